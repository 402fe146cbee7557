// The sample course of local development in Chromium: a newcomer opens /, launches as a
// learner through the built-in LMS, and the real client sends what the web/detector agreement
// says (docs/web-app.md) while they read, scroll back, answer and chat; chat gets the page.
import { describe, expect, it } from "vitest";
import { useBrowserSystem } from "./harness/browser-system.ts";
import { openSampleCourse, type RecordedSignal, waitForSignal } from "./harness/sample-course.ts";

const e2e = useBrowserSystem({ keepHost: true });

const ofType = (signals: RecordedSignal[], type: string) => signals.filter((s) => s.type === type);

describe("the sample course in the browser", () => {
  it("sends dwell per block, the block in view on scroll (re-reading shows), quiz response times and chat as chat", async () => {
    const s = await openSampleCourse(e2e.browser, e2e.front.url);
    try {
      const { page, guide } = s;
      // Read down the page, then scroll back up to the long reading: a re-read.
      for (let i = 0; i < 4; i++) {
        await page.mouse.move(300, 300);
        await page.mouse.wheel(0, 500);
        await page.waitForTimeout(700);
      }
      await page.mouse.wheel(0, -2000);
      await page.waitForTimeout(700);
      await page.locator('[data-guide-block="balance-method"] h2').scrollIntoViewIfNeeded();
      await page.waitForTimeout(700);
      await page.mouse.wheel(0, 1200);
      await waitForSignal(s, (x) => x.type === "hover" && x.elementId === "balance-method");
      const arrivals = ofType(s.signals, "scroll").map((x) => x.elementId);
      const revisited = arrivals.filter((id, i) => arrivals.indexOf(id) !== i);
      expect(revisited.length, JSON.stringify(arrivals)).toBeGreaterThan(0);
      expect(arrivals).not.toContain("page");
      const dwell = s.signals.find((x) => x.type === "hover" && x.elementId === "balance-method");
      expect(dwell).toMatchObject({ contentType: "text" });
      expect(dwell?.durationMs).toBeGreaterThan(0);
      // The long reading and the one-line introduction, counted by the client.
      expect(dwell?.wordCount).toBeGreaterThan(300);

      // A wrong answer, then the right one, on an item that declares its skill.
      const item = page.locator('[data-quiz-item="q-one-step"]');
      await item.scrollIntoViewIfNeeded();
      await page.waitForTimeout(600);
      await item.getByRole("textbox").fill("4");
      await item.getByRole("button", { name: "Check" }).click();
      await item.getByRole("textbox").fill("5");
      await item.getByRole("button", { name: "Check" }).click();
      await waitForSignal(s, (x) => x.type === "quiz_attempt" && x.correct === true);
      const attempts = ofType(s.signals, "quiz_attempt");
      expect(attempts.map((a) => [a.elementId, a.correct, a.skill])).toEqual([
        ["q-one-step", false, "solve-one-step"],
        ["q-one-step", true, "solve-one-step"],
      ]);
      // Response time from the item first shown (≥ the 600 ms looked at), then from the last attempt.
      expect(attempts[0]?.durationMs).toBeGreaterThanOrEqual(500);
      expect(typeof attempts[1]?.durationMs).toBe("number");
      expect(ofType(s.signals, "answer_change")[0]).toMatchObject({ elementId: "q-one-step", skill: "solve-one-step" });

      // A chat question is a help_request marked chat, and chat gets the page.
      await guide.getByLabel("Ask your guide a question").fill("How do I solve 3x + 7 = 22?");
      await guide.getByRole("button", { name: "Send" }).click();
      await waitForSignal(s, (x) => x.type === "help_request" && x.contentType === "chat");
      const ctx = s.chatRequests[0]?.pageContext as Record<string, unknown>;
      expect(ctx).toMatchObject({
        courseId: expect.stringMatching(/(^|:)sample-course$/),
        elementId: "q-one-step",
        graded: false,
      });
      expect(String(ctx.pageContent)).toContain("[[block:exercise-1]]");
      expect(String(ctx.pageContent)).toContain("Solve 3x + 7 = 22");
      expect(String(ctx.pageContent).length).toBeLessThanOrEqual(20_000);

      // The explicit control is struggle evidence: a help_request without the chat mark.
      await guide.getByRole("button", { name: "I'm stuck" }).click();
      await waitForSignal(s, (x) => x.type === "help_request" && x.contentType === undefined);
      // And the press is answered at once: a hint on the part the learner works in, named as the page names it.
      await guide.getByText("I'm stuck on Check your understanding.").waitFor();
      const hint = guide.locator(".message-assistant", { hasText: "Hint: undo what was done to x" });
      await hint.waitFor();
      expect(await hint.locator(".message-meta").textContent()).toContain("Answered by offline help");
    } finally {
      await s.close();
    }
  });

  it("starts on the part at once when the learner says yes to talking it through", async () => {
    // The second learner: the first was offered help above, and one offer per 5 minutes is the rule.
    const s = await openSampleCourse(e2e.browser, e2e.front.url, { learner: "2" });
    try {
      const { page, guide } = s;
      await page.locator('[data-quiz-item="q-one-step"]').scrollIntoViewIfNeeded();
      await page.waitForTimeout(700);
      const hints = guide.locator(".message-assistant", { hasText: "Hint: undo what was done to x" });
      await guide.getByRole("button", { name: "I'm stuck" }).click();
      await expect.poll(() => hints.count()).toBe(1);
      // Asking twice is struggling: the detector offers to talk it through.
      await guide.getByRole("button", { name: "I'm stuck" }).click();
      const card = guide.locator(".intervention").first();
      await card.waitFor({ timeout: 30_000 });
      expect(await card.locator("h3").textContent()).toBe("Want to talk it through?");
      await card.getByRole("button", { name: "Yes, help me" }).click();
      // The yes is the learner's answer: the guide starts on that part rather than asking again.
      await guide.getByText("Yes, help me with Check your understanding.").waitFor();
      await expect.poll(() => hints.count()).toBe(3);
      expect(await guide.locator(".message-assistant").last().textContent()).not.toContain("Want me to");
    } finally {
      await s.close();
    }
  });

  it("tells chat when the item in focus is graded", async () => {
    const s = await openSampleCourse(e2e.browser, e2e.front.url);
    try {
      const graded = s.page.locator('[data-quiz-item="q-graded"]');
      await graded.scrollIntoViewIfNeeded();
      await graded.getByRole("textbox").click();
      await s.guide.getByLabel("Ask your guide a question").fill("What is x?");
      await s.guide.getByRole("button", { name: "Send" }).click();
      await waitForSignal(s, (x) => x.type === "help_request");
      expect(s.chatRequests[0]?.pageContext).toMatchObject({ elementId: "q-graded", graded: true });
      // The markers name blocks only: the item's own exercise travels beside them.
      const sent = s.chatRequests[0]?.pageContext as { elementText?: string } | undefined;
      expect(sent?.elementText).toContain("Graded: solve 4x + 1 = 25. x =");
    } finally {
      await s.close();
    }
  });

  it("gives the instructor the course's guide settings, with errors shown before anything is sent", async () => {
    const s = await openSampleCourse(e2e.browser, e2e.front.url, { role: "instructor" });
    try {
      await s.guide.getByRole("button", { name: "Guide settings" }).click();
      // Typed after the stored settings arrive: before, the loaded values would overwrite them.
      await s.guide.locator('form.settings-form[aria-busy="false"]').waitFor();
      await s.guide.getByLabel(/Minutes between two interventions/).fill("0");
      await s.guide.getByLabel(/Interventions per learner per day/).fill("51");
      await s.guide.getByRole("button", { name: "Save settings" }).click();
      await expect(s.guide.locator("#gs-cooldownMinutes-error").textContent()).resolves.toBe("At least 1 minute.");
      await expect(s.guide.locator("#gs-dailyCap-error").textContent()).resolves.toBe("At most 50 a day.");
    } finally {
      await s.close();
    }
  });
});
