// Issue 15 in Chromium, after a real launch through the built-in LMS: an answer about the
// exercise on the page quotes it with a citation link that scrolls to the cited block, and a
// hint intervention on a quiz item shows hint text about that item and highlights it.
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useBrowserSystem } from "./harness/browser-system.ts";
import { openSampleCourse } from "./harness/sample-course.ts";

const e2e = useBrowserSystem({ keepHost: true });

/** Whether the element lies wholly inside the course page's window. */
const inViewport = (el: Locator) =>
  el.evaluate((node) => {
    const r = node.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0;
  });

/** Waits (polling, no fixed sleep) until the element is wholly in the window. */
async function waitInViewport(page: Page, selector: string): Promise<void> {
  await page.waitForFunction((sel) => {
    const r = document.querySelector(sel)?.getBoundingClientRect();
    return !!r && r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0;
  }, selector);
}

describe("the help loop in the browser", () => {
  it("answers about the exercise on the page with a cited quote whose link scrolls to the block", async () => {
    const s = await openSampleCourse(e2e.browser, e2e.front.url);
    try {
      const { page, guide } = s;
      const block = page.locator('[data-guide-block="exercise-1"]');
      await page.evaluate(() => window.scrollTo(0, 0));
      expect(await inViewport(block), "the exercise starts out of view").toBe(false);

      // The guide greets once its chat has loaded; ask after that, as a learner would.
      await guide.locator(".message-assistant").first().waitFor();
      await guide.getByLabel("Ask your guide a question").fill("How do I solve 3x + 7 = 22?");
      await guide.getByRole("button", { name: "Send" }).click();
      // The answer is the guide's message after the question (the greeting comes before it).
      const answer = guide.locator(".message-user ~ .message-assistant").first();
      await guide.locator(".message-user ~ .message-assistant:not([aria-busy])").first().waitFor();
      // The offline provider quotes the page's own exercise.
      expect(await answer.textContent()).toContain("3x + 7 = 22");
      const link = answer.locator('a.citation[data-cite="exercise-1"]').first();
      expect(await link.getAttribute("href")).toBe("#exercise-1");

      await link.click();
      await waitInViewport(page, '[data-guide-block="exercise-1"]');
      await expect(block.getAttribute("data-guide-highlight")).resolves.toBe("");
      // Screen readers hear where the link went, through the app's live region.
      await guide
        .locator('[role="status"]', { hasText: "Highlighted on the page: Exercise 1." })
        .first()
        .waitFor({ state: "attached" });
    } finally {
      await s.close();
    }
  });

  it("offers a hint on the quiz item the learner keeps changing, highlights it, and shows hint text about it", async () => {
    const s = await openSampleCourse(e2e.browser, e2e.front.url, { fakeClock: true });
    try {
      const { page, guide } = s;
      const item = page.locator('[data-quiz-item="q-exercise-1"]');
      await item.scrollIntoViewIfNeeded();
      // Answer changes on one item, three runs of the detector's threshold: struggling, led by
      // answer changes, whose intervention is a hint on that item. The page's clock moves past
      // the client's per-element throttle between changes, then past the batch interval.
      const box = item.getByRole("textbox");
      for (const value of ["1", "2", "3", "4", "6", "7", "8", "9", "10"]) {
        await box.fill(value);
        await page.clock.runFor(2_000);
      }
      await page.clock.runFor(6_000);
      await page.clock.resume();

      const card = guide.locator("article.intervention").first();
      await card.waitFor({ timeout: 30_000 });
      await expect(card.locator("h3").textContent()).resolves.toBe("A hint");
      // Pointed at as it arrives: outlined, marked, and said out loud.
      await expect(item.getAttribute("data-guide-highlight")).resolves.toBe("");
      await guide
        .locator('[role="status"]', { hasText: "Highlighted on the page: Solve 3x + 7 = 22. x =" })
        .first()
        .waitFor({ state: "attached" });

      await page.evaluate(() => window.scrollTo(0, 0));
      await card.getByRole("button", { name: "Show me" }).click();
      const help = card.locator('.help-text[data-help-kind="hint"]');
      await help.waitFor();
      const text = (await help.textContent()) ?? "";
      // Hint text about this item's equation (a worked example of a similar one), not a template.
      expect(text).toMatch(/^Hint:/);
      expect(text).toContain("undo what was done to x");
      expect(await card.locator('a.citation[data-cite="exercise-1"]').count()).toBe(1);
      // "Show me" brings the item back into view, still highlighted.
      await waitInViewport(page, '[data-quiz-item="q-exercise-1"]');
      await expect(item.getAttribute("data-guide-highlight")).resolves.toBe("");
      await card.getByRole("button", { name: "Yes" }).waitFor();
    } finally {
      await s.close();
    }
  });
});
