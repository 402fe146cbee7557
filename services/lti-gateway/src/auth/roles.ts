/**
 * LTI role mapping: which launched users get the instructor view and instructor-only API
 * routes. Only roles held in the launch's context (membership) count, plus institution- or
 * system-level Administrator: Canvas sends `institution/person#Instructor` for anyone who
 * teaches somewhere in the account, including when they launch as a student in this course,
 * so that institution role must not promote them.
 */
const INSTRUCTOR_PRINCIPALS = new Set(["Instructor", "TeachingAssistant", "ContentDeveloper", "Administrator"]);

const LIS = "http://purl.imsglobal.org/vocab/lis/v2/";
const MEMBERSHIP = `${LIS}membership#`;
const MEMBERSHIP_SUB = `${LIS}membership/`;
const ADMIN_ROLES = new Set([
  `${LIS}institution/person#Administrator`,
  `${LIS}system/person#Administrator`,
  `${LIS}system/person#SysAdmin`,
]);
// LTI 1.1 context role URNs, which some platforms still send alongside (or instead of) v2 URIs.
const LEGACY_CONTEXT = "urn:lti:role:ims/lis/";

function isInstructorRole(role: string): boolean {
  if (INSTRUCTOR_PRINCIPALS.has(role)) return true; // short context role names
  if (role.startsWith(MEMBERSHIP)) return INSTRUCTOR_PRINCIPALS.has(role.slice(MEMBERSHIP.length));
  if (role.startsWith(MEMBERSHIP_SUB)) {
    // Sub-roles: membership/<Principal>#<SubRole>, e.g. membership/Instructor#TeachingAssistant.
    const [principal = "", sub = ""] = role.slice(MEMBERSHIP_SUB.length).split("#", 2);
    return INSTRUCTOR_PRINCIPALS.has(principal) || sub.startsWith("TeachingAssistant");
  }
  if (role.startsWith(LEGACY_CONTEXT)) {
    const [principal = ""] = role.slice(LEGACY_CONTEXT.length).split("/", 1);
    return INSTRUCTOR_PRINCIPALS.has(principal);
  }
  return ADMIN_ROLES.has(role);
}

/** True when any of the launch's roles is instructor-type; unknown roles mean learner. */
export function hasInstructorRole(roles: readonly string[]): boolean {
  return roles.some(isInstructorRole);
}

export type AppRole = "learner" | "instructor";

export const appRoleOf = (roles: readonly string[]): AppRole => (hasInstructorRole(roles) ? "instructor" : "learner");
