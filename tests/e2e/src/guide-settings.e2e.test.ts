// Issue 14 in Chromium: an instructor turns the course's sensitivity up in the instructor view
// (the form, not the API) and the next learner of that course is judged by it, while a learner
// of another course (section B of the sample course) is judged by the defaults.
//
// The burst is one press of "I'm stuck": evidence 1.0, score 1 - e^-1 ≈ 0.63. That is "watch"
// at medium sensitivity (struggling from 0.7) and "struggling" at high (from 0.55), with room on
// both sides for the little decay between the press and the batch leaving.
import { describe, expect, it } from "vitest";
import { useBrowserSystem } from "./harness/browser-system.ts";
import { openSampleCourse, type SampleCourseSession, waitForSignal } from "./harness/sample-course.ts";

const e2e = useBrowserSystem({ keepHost: true });

/**
 * Presses "I'm stuck" once and returns the first level above "none" the detector answered: the
 * press is the only evidence in the session, so that answer is the judgement of the press.
 */
async function levelAfterOneStuck(s: SampleCourseSession): Promise<string> {
  await s.guide.getByRole("button", { name: "I'm stuck" }).click();
  await waitForSignal(s, (x) => x.type === "help_request" && x.contentType === undefined);
  const until = Date.now() + 20_000;
  for (;;) {
    const judged = s.levels.find((l) => l !== "none");
    if (judged) return judged;
    if (Date.now() > until) throw new Error(`no judgement of the press; levels: ${JSON.stringify(s.levels)}`);
    await s.page.waitForTimeout(200);
  }
}

describe("an instructor's sensitivity in the browser", () => {
  it("applies to the next learner of that course and to no other course", async () => {
    const teacher = await openSampleCourse(e2e.browser, e2e.front.url, { role: "instructor" });
    try {
      const g = teacher.guide;
      await g.getByRole("button", { name: "Guide settings" }).click();
      await g.locator('form.settings-form[aria-busy="false"]').waitFor();
      await expect(g.getByLabel("Medium").isChecked()).resolves.toBe(true);
      await g.getByLabel("High: step in early").check();
      await g.getByRole("button", { name: "Save settings" }).click();
      await g.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    } finally {
      await teacher.close();
    }

    const inCourse = await openSampleCourse(e2e.browser, e2e.front.url);
    try {
      expect(await levelAfterOneStuck(inCourse)).toBe("struggling");
    } finally {
      await inCourse.close();
    }

    const elsewhere = await openSampleCourse(e2e.browser, e2e.front.url, { course: "sample-course-b", learner: "2" });
    try {
      expect(await levelAfterOneStuck(elsewhere)).toBe("watch");
    } finally {
      await elsewhere.close();
    }
  });
});
