// Renders both views with sample API answers, for screenshots in the docs and for looking at
// the layout while the gateway's API is not wired yet. Not a test: the e2e suite drives the
// real system. Run: pnpm run preview (writes screenshots/learner-preview.png, instructor-preview.png).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page, Route } from "playwright-core";
import { COURSE_CONTENT, LAUNCHES } from "./fixtures/launches.ts";
import { launchBrowser } from "./harness/browser.ts";
import { startFrontServer } from "./harness/server.ts";

const shots = join(import.meta.dirname, "..", "screenshots");
const day = (offset: number) => new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);

const ANSWER = [
  "A **linear equation** has the unknown only to the first power. To solve $3x + 7 = 22$:",
  "",
  "1. Subtract 7 from both sides: $3x = 15$",
  "2. Divide both sides by 3: $x = \\frac{15}{3} = 5$",
  "",
  "Check it: `3 * 5 + 7 == 22`.",
].join("\n");

const json = (route: Route, body: unknown, status = 200) =>
  route.fulfill({ status, contentType: "application/json", body: JSON.stringify(body) });

async function sampleApi(page: Page): Promise<void> {
  await page.route("**/api/realtime/ticket", (r) => json(r, { error: { code: "unavailable", message: "x" } }, 503));
  await page.route("**/api/chat/conversations", (r) => json(r, { conversations: [] }));
  await page.route("**/api/chat/message", (r) => {
    const done = {
      conversationId: "c1",
      messageId: "m2",
      response: ANSWER,
      suggestions: ["Why subtract 7 first?", "Show me another example"],
      provider: "workers-ai",
      tokenUsage: { used: 412, remaining: 19588 },
    };
    const tokens = ANSWER.match(/.{1,12}/gs) ?? [];
    const body = `${tokens.map((t) => `event: token\ndata: ${JSON.stringify({ token: t })}\n\n`).join("")}event: done\ndata: ${JSON.stringify(done)}\n\n`;
    return r.fulfill({ status: 200, contentType: "text/event-stream", body });
  });
  await page.route("**/api/cognitive/signals", (r) =>
    json(r, {
      accepted: 3,
      struggle: { score: 0.82, level: "struggling" },
      intervention: {
        id: "iv-1",
        kind: "hint",
        elementId: "quiz-q3",
        message: "Stuck on **Question 3**? Try getting the $x$ term alone first: what do you do with the $+7$?",
      },
    }),
  );
  await page.route("**/api/courses/*/insights*", (r) =>
    json(r, {
      contextId: "course-101",
      minGroupSize: 0,
      hotSpots: [
        { elementId: "quiz-q3", events: 14, learners: 6, strugglingEvents: 9, avgScore: 0.71 },
        { elementId: "reading-fractions", events: 8, learners: 4, strugglingEvents: 5, avgScore: 0.55 },
        { elementId: "video-slopes", events: 3, learners: 2, strugglingEvents: 1, avgScore: 0.41 },
      ],
      suppressedHotSpots: 0,
      learners: {
        rosterSize: 14,
        active: 12,
        inactive: 2,
        inactiveLearners: [
          { userId: "u-31", name: "Sam Rivera" },
          { userId: "u-44", name: "Kim Lee" },
        ],
      },
      interventions: {
        delivered: [
          { kind: "hint", count: 11, learners: 7 },
          { kind: "chat_offer", count: 5, learners: 4 },
          { kind: "prerequisite", count: 3, learners: 3 },
        ],
        outcomes: [
          { action: "accepted", count: 9, learners: 6 },
          { action: "dismissed", count: 5, learners: 4 },
          { action: "helpful", count: 7, learners: 5 },
          { action: "not_helpful", count: 2, learners: 2 },
        ],
      },
      chatVolume: [6, 5, 4, 3, 2, 1, 0].map((o, i) => ({
        day: day(o),
        messages: [10, 22, 15, 30, 41, 25, 38][i],
        learners: [4, 7, 5, 9, 11, 8, 12][i],
      })),
    }),
  );
}

const system = new URL("http://127.0.0.1:9");
const front = await startFrontServer(system, LAUNCHES, COURSE_CONTENT);
const browser = await launchBrowser();
mkdirSync(shots, { recursive: true });
try {
  const learner = await browser.newPage({ viewport: { width: 900, height: 1000 } });
  await sampleApi(learner);
  await learner.goto(`${front.url}/e2e/launch/learner`);
  await learner.waitForSelector("#app.app-ready");
  await learner.click("text=Yes, allow");
  await learner.fill("#app textarea", "How do I solve 3x + 7 = 22?");
  await learner.keyboard.press("Enter");
  await learner.waitForSelector(".intervention");
  await learner.waitForSelector("text=Answered by Workers AI");
  await learner.screenshot({ path: join(shots, "learner-preview.png"), fullPage: true });

  const instructor = await browser.newPage({ viewport: { width: 900, height: 1000 } });
  await sampleApi(instructor);
  await instructor.goto(`${front.url}/e2e/launch/instructor`);
  await instructor.waitForSelector("svg.chart");
  await instructor.screenshot({ path: join(shots, "instructor-preview.png"), fullPage: true });
} finally {
  await browser.close();
  await front.close();
}
