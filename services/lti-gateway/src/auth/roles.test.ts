import { describe, expect, it } from "vitest";
import { appRoleOf, hasInstructorRole } from "./roles";

const LIS = "http://purl.imsglobal.org/vocab/lis/v2/";

describe("LTI role mapping", () => {
  it.each([
    [`${LIS}membership#Instructor`],
    [`${LIS}membership#ContentDeveloper`],
    [`${LIS}membership#Administrator`],
    [`${LIS}membership/Instructor#TeachingAssistant`],
    [`${LIS}membership/Instructor#PrimaryInstructor`],
    [`${LIS}membership/Administrator#Support`],
    ["Instructor"],
    ["TeachingAssistant"],
    ["ContentDeveloper"],
    ["Administrator"],
    [`${LIS}institution/person#Administrator`],
    [`${LIS}system/person#Administrator`],
    ["urn:lti:role:ims/lis/Instructor"],
    ["urn:lti:role:ims/lis/TeachingAssistant"],
  ])("%s gets the instructor view", (role) => {
    expect(appRoleOf([`${LIS}membership#Learner`, role])).toBe("instructor");
  });

  it.each([
    [`${LIS}membership#Learner`],
    [`${LIS}membership#Mentor`],
    [`${LIS}membership/Learner#GuestLearner`],
    ["Learner"],
    // Canvas sends this for anyone teaching anywhere in the account, also when they are a student here.
    [`${LIS}institution/person#Instructor`],
    [`${LIS}institution/person#Faculty`],
    ["http://example.com/roles#Instructor"],
    ["instructor"],
  ])("%s alone gets the learner view", (role) => {
    expect(appRoleOf([role])).toBe("learner");
  });

  it("treats no roles at all as a learner", () => {
    expect(hasInstructorRole([])).toBe(false);
  });
});
