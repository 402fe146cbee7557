// The auth context a service receives from the gateway (X-Atomic-Auth or an RPC argument), for
// services' own tests: a learner or an instructor of one course, with what a test needs changed.
import type { AuthContext } from "@atomic-guide/shared";

export const LEARNER_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner";
export const INSTRUCTOR_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor";

/** A learner of course-1 at tenant acme, unless `overrides` says otherwise. */
export const learnerAuth = (overrides: Partial<AuthContext> = {}): AuthContext => ({
  tenantId: "acme",
  userId: "learner-1",
  roles: [LEARNER_ROLE],
  isInstructor: false,
  contextId: "course-1",
  ...overrides,
});

/** An instructor of course-1 at tenant acme, unless `overrides` says otherwise. */
export const instructorAuth = (overrides: Partial<AuthContext> = {}): AuthContext => ({
  tenantId: "acme",
  userId: "teacher-1",
  roles: [INSTRUCTOR_ROLE],
  isInstructor: true,
  contextId: "course-1",
  ...overrides,
});
