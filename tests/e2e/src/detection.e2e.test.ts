// The browser contract of issue 14: in Chromium, on the sample course, the archetypes of the
// web/detector agreement acted out with real interactions (traces/archetypes.ts) make the live
// detector say "struggling" for the struggling ones and never for the others, and chat
// messages alone do not raise the level. Depends on struggle-detector's issue-14 model.
import { describe, expect, it } from "vitest";
import { useBrowserSystem } from "./harness/browser-system.ts";
import { openSampleCourse, type SampleCourseSession } from "./harness/sample-course.ts";
import { ARCHETYPES } from "./traces/archetypes.ts";

const e2e = useBrowserSystem({ keepHost: true });

/** Ends the session the way a learner leaving does and waits for the last batch's answer. */
async function finish(s: SampleCourseSession): Promise<void> {
  await s.page.evaluate(() => window.dispatchEvent(new PageTransitionEvent("pagehide")));
  await s.page.clock.runFor(6_000);
  await s.page.waitForTimeout(1_500);
}

describe("struggle detection from a real browser", () => {
  for (const archetype of ARCHETYPES)
    it(`${archetype.name}: ${archetype.label === "struggling" ? "detected" : "not flagged"}`, async () => {
      const s = await openSampleCourse(e2e.browser, e2e.front.url, { slug: archetype.slug, fakeClock: true });
      try {
        await archetype.act(s.page, 1);
        await finish(s);
        expect(s.levels.length, "the detector answered the client's batches").toBeGreaterThan(0);
        if (archetype.label === "struggling") expect(s.levels).toContain("struggling");
        else expect(s.levels).not.toContain("struggling");
      } finally {
        await s.close();
      }
    });

  it("does not raise the level for chat messages alone", async () => {
    const s = await openSampleCourse(e2e.browser, e2e.front.url, { fakeClock: true });
    try {
      for (const question of ["What is a linear equation?", "Why subtract first?", "Can you show another example?"]) {
        await s.guide.getByLabel("Ask your guide a question").fill(question);
        await s.guide.getByRole("button", { name: "Send" }).click();
        // The answer is in once no guide message is still streaming.
        await s.guide.locator(".message-assistant[aria-busy]").waitFor({ state: "detached" });
        await s.page.clock.runFor(20_000);
      }
      await finish(s);
      expect(s.signals.filter((x) => x.type === "help_request" && x.contentType === "chat")).toHaveLength(3);
      expect(s.levels.length).toBeGreaterThan(0);
      expect(
        s.levels.every((l) => l === "none"),
        JSON.stringify(s.levels),
      ).toBe(true);
    } finally {
      await s.close();
    }
  });
});
