// The whole product through a real LTI launch: the simulated LMS launches a learner, who chats
// (streamed answer), behaves like a stuck student, gets an intervention and answers it; then
// an instructor launches and sees the hot spot. Screenshots of both views are written for docs.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { TEST_ADMIN_TOKEN } from "@atomic-guide/testing/system";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COURSE_CONTENT } from "./fixtures/launches.ts";
import { axeViolations, serious } from "./harness/browser.ts";
import { useBrowserSystem } from "./harness/browser-system.ts";
import { type LaunchRole, type RunningPlatform, realLaunch, startPlatform } from "./harness/platform.ts";
import { screenshotDir } from "./harness/screenshots.ts";

const shots = screenshotDir();
const PRACTICE = "quiz-q3";

const e2e = useBrowserSystem();
let platform: RunningPlatform;
let learner: Page;
let instructorPage: Page;

beforeAll(async () => {
  platform = await startPlatform();
  mkdirSync(shots, { recursive: true });
});

afterAll(async () => {
  await platform?.close();
});

/** A real launch opened in a new page; `prepare` runs before the page loads (routes to slow down). */
async function launchInBrowser(
  role: LaunchRole,
  who: { sub: string; name: string },
  opts: { pageName?: string; prepare?: (page: Page) => Promise<unknown>; withoutCourse?: boolean } = {},
): Promise<Page> {
  const launched = await realLaunch(e2e.systemUrl, platform, role, who);
  const name = opts.pageName ?? role;
  // The guide sits beside the course page the learner works on (and the instructor looks at).
  const html = opts.withoutCourse ? launched.html : launched.html.replace("</body>", `${COURSE_CONTENT}</body>`);
  e2e.front.realPages.set(name, { ...launched, html });
  const page = await e2e.browser.newPage({ viewport: { width: 900, height: 1000 } });
  await opts.prepare?.(page);
  await page.goto(`${e2e.front.url}/e2e/real/${name}`);
  await page.waitForSelector("#app.app-ready");
  return page;
}

describe("a real launch", () => {
  it("lets the learner ask a question and shows the answer as it streams, naming the provider", async () => {
    learner = await launchInBrowser("learner", { sub: "e2e-learner-1", name: "Ada Learner" });
    const streamed = learner.waitForResponse((r) => r.url().endsWith("/api/chat/message"));
    await learner.fill("#app textarea", "How do I solve 3x + 7 = 22?");
    await learner.keyboard.press("Enter");
    const response = await streamed;
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toContain("text/event-stream");
    const meta = learner.locator(".message-assistant .message-meta", { hasText: "Answered by" });
    await meta.waitFor();
    const answer = await learner.locator(".message-assistant").last().locator(".message-body").textContent();
    // Offline here (no model): the equation's method and a worked example, not a shrug.
    expect(answer).toContain("Undo what was done to x");
    expect(answer).toContain("A similar problem:");
  });

  it("notices a stuck learner, shows an intervention, and records the learner's answers to it", async () => {
    await learner.click("text=Yes, allow");
    const question = learner.locator(`[data-guide-block="${PRACTICE}"] p`);
    await question.hover();
    await learner.waitForTimeout(5_000);
    await learner.mouse.move(1, 1);
    for (const wrong of ["4", "7", "29/3", "6"]) {
      await learner.fill("#answer-q3", wrong);
      await learner.waitForTimeout(1_600);
    }
    await question.hover();
    await learner.waitForTimeout(4_000);
    await learner.mouse.move(1, 1);
    for (let i = 0; i < 3; i++) {
      await learner.evaluate(
        (elementId) =>
          document.dispatchEvent(
            new CustomEvent("atomic-guide:signal", { detail: { type: "quiz_attempt", elementId, correct: false } }),
          ),
        PRACTICE,
      );
      await learner.waitForTimeout(1_000);
    }
    const card = learner.locator(".intervention").first();
    await card.waitFor({ timeout: 45_000 });
    const accepted = learner.waitForResponse((r) => /\/api\/interventions\/[^/]+\/respond$/.test(r.url()));
    await card.getByRole("button", { name: /Show me|Yes, help me/ }).click();
    expect((await accepted).status()).toBeLessThan(300);
    const rated = learner.waitForResponse((r) => /\/api\/interventions\/[^/]+\/respond$/.test(r.url()));
    await card.getByRole("button", { name: "Yes" }).click();
    expect((await rated).status()).toBeLessThan(300);
    await card.getByText("Thanks for the feedback.").waitFor();
    // The help shown is about the exercise, even with nothing else on the page to point to.
    expect(await card.locator(".intervention-body").textContent()).not.toContain("couldn't find");
    expect(serious(await axeViolations(learner))).toEqual([]);
    await learner.screenshot({ path: join(shots, "learner.png"), fullPage: true });
  });

  it("shows the learner's own sessions, interventions and profile on My learning", async () => {
    await learner.click("nav button[data-tab='mine']");
    await learner.locator("table", { hasText: "Your sessions" }).waitFor();
    await learner.locator("table", { hasText: "Your interventions" }).waitFor();
    // The help was rated helpful once out of once; the trouble spot is named as the page names it.
    const helpful = learner.locator(".figure", { hasText: "Suggestions you found helpful" });
    expect(await helpful.locator("dd").textContent()).toBe("100%");
    await learner.getByText("Where you got stuck lately: Question 3").waitFor();
    // Each suggestion is listed by the part of the page it was about, as the page names it.
    const history = learner.locator("table", { hasText: "Your interventions" });
    expect(await history.locator("thead").textContent()).toContain("Where");
    expect(await history.locator("tbody").textContent()).toContain("Question 3");
    expect(await history.locator("tbody").textContent()).not.toContain(PRACTICE);
    expect(serious(await axeViolations(learner))).toEqual([]);
    await learner.screenshot({ path: join(shots, "learner-my-learning.png"), fullPage: true });
  });

  it("shows the instructor the learner's hot spot on the course dashboard", async () => {
    const instructor = await launchInBrowser("instructor", { sub: "e2e-teacher-1", name: "Grace Teacher" });
    const hotSpot = instructor
      .locator("table", { hasText: "Content element" })
      .getByText(`Question 3 (${PRACTICE})`, { exact: true });
    // The learner's "Yes" rating, counted for the kind of help it rated.
    const answered = instructor
      .getByRole("table", { name: "Each kind of help: delivered, accepted and rated helpful" })
      .getByText("1 of 1 rated (100%)");
    // Learning events reach analytics in the background; refresh until the window shows them.
    for (let i = 0; i < 10 && ((await hotSpot.count()) === 0 || (await answered.count()) === 0); i++) {
      await instructor.waitForTimeout(1_500);
      await instructor.click("text=Refresh");
      await instructor.waitForSelector("[aria-busy='false']");
    }
    await hotSpot.waitFor();
    await answered.waitFor();
    expect(await instructor.locator("svg.chart").count()).toBeGreaterThan(0);
    expect(serious(await axeViolations(instructor))).toEqual([]);
    await instructor.screenshot({ path: join(shots, "instructor.png"), fullPage: true });
    instructorPage = instructor;
  });

  it("shows an operator with the admin token the services' health and route latency", async () => {
    await instructorPage.click("nav button[data-tab='ops']");
    await instructorPage.fill("#admin-token", "wrong-token");
    await instructorPage.click("text=Show health");
    await instructorPage.getByText("That admin token was not accepted.").waitFor();
    await instructorPage.fill("#admin-token", TEST_ADMIN_TOKEN);
    await instructorPage.click("text=Show health");
    await instructorPage
      .getByRole("table", { name: "Services" })
      .getByRole("rowheader", { name: "struggle-detector" })
      .waitFor();
    // Analytics writes metrics in batches, so the window may not hold this run's requests yet.
    await instructorPage
      .getByRole("table", { name: "Route metrics" })
      .or(instructorPage.getByText("No requests recorded in this window yet."))
      .waitFor();
    expect(serious(await axeViolations(instructorPage))).toEqual([]);
    await instructorPage.screenshot({ path: join(shots, "operator.png"), fullPage: true });
  });

  it("keeps a question typed before the earlier conversation arrived below it, in that conversation", async () => {
    // The earlier conversation is slow to come: the learner's question is sent before it arrives.
    const again = await launchInBrowser(
      "learner",
      { sub: "e2e-learner-1", name: "Ada Learner" },
      {
        pageName: "learner-again",
        prepare: (page) =>
          page.route("**/api/chat/conversations", async (route) => {
            await new Promise((resolve) => setTimeout(resolve, 1_500));
            await route.continue();
          }),
      },
    );
    try {
      const sent = again.waitForRequest((r) => r.url().endsWith("/api/chat/message"));
      await again.fill("#app textarea", "What about x = 5?");
      await again.keyboard.press("Enter");
      const body = (await sent).postDataJSON() as { conversationId?: string };
      expect(body.conversationId).toEqual(expect.any(String));
      const said = await again.locator(".message-user .message-body").allTextContents();
      expect(said.map((t) => t.trim())).toEqual(["How do I solve 3x + 7 = 22?", "What about x = 5?"]);
      await again.locator(".message-assistant", { hasText: "So x = 5 is right." }).waitFor();
    } finally {
      await again.close();
    }
  });

  it("answers an offer about no marked part with the replies it invites, as chips", async () => {
    // A page with no marked part: nothing in view for the offer to point at.
    const page = await launchInBrowser(
      "learner",
      { sub: "e2e-learner-3", name: "Cy Learner" },
      { pageName: "bare", withoutCourse: true },
    );
    try {
      await page.click("text=Yes, allow");
      const stuck = page.getByRole("button", { name: "I'm stuck" });
      await stuck.click();
      await page.getByText("Tell your guide what you're stuck on, and it will help.").waitFor();
      // Asking twice is struggling: the detector offers to talk it through, about no part.
      await stuck.click();
      const card = page.locator(".intervention").first();
      await card.waitFor({ timeout: 30_000 });
      await card.getByRole("button", { name: "Yes, help me" }).click();
      const offer = page.locator(".message-assistant", { hasText: "walk you through it step by step" });
      await offer.waitFor();
      // The offer's reply is a chip, a message the guide answers on its own.
      const sent = page.waitForRequest((r) => r.url().endsWith("/api/chat/message"));
      await page.getByRole("button", { name: "Help me with this" }).click();
      expect(((await sent).postDataJSON() as { message: string }).message).toBe("Help me with this");
      // The answer is in once no guide message is still streaming.
      await page.locator(".message-assistant[aria-busy]").waitFor({ state: "detached" });
      const answer = await page.locator(".message-assistant").last().locator(".message-body").textContent();
      // Nothing on the page is marked, so the guide asks which part rather than guessing.
      expect(answer).toContain("which part you're stuck on");
    } finally {
      await page.close();
    }
  });

  it("gives the learner an export of their data and erases it on request", async () => {
    await learner.click("nav button[data-tab='privacy']");
    const download = learner.waitForEvent("download");
    await learner.click("text=Download my data (JSON)");
    const file = await (await download).createReadStream();
    const chunks: Buffer[] = [];
    for await (const c of file) chunks.push(c as Buffer);
    const exported = Buffer.concat(chunks).toString("utf8");
    expect(exported).toContain(PRACTICE);
    await learner.click("text=Delete my data…");
    const erased = learner.waitForResponse(
      (r) => r.url().endsWith("/api/learners/me") && r.request().method() === "DELETE",
    );
    await learner.click("text=Yes, delete my data");
    expect((await erased).status()).toBe(202);
    await learner.getByText("Your data has been deleted.").waitFor();
    // Erasure also switches signal capture off.
    expect(await learner.isChecked("#consent-toggle")).toBe(false);
  });
});
