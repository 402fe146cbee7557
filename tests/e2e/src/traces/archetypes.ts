import type { Page } from "playwright-core";

/**
 * The agreed archetypes (docs/struggle-detection.md), acted out by a learner on the sample
 * course with real interactions. Time passes on the page's fake clock (`page.clock.runFor`),
 * so minutes of reading or staring take seconds; the client measures them as it would live.
 * `n` varies the pace between recordings of the same archetype.
 */
export interface Archetype {
  name: string;
  label: "struggling" | "not_struggling";
  slug: string;
  act(page: Page, n: number): Promise<void>;
}

const SECOND = 1_000;

/** Passes time; a reader who is not idle nudges the page every `nudgeEvery` ms. */
async function pass(page: Page, ms: number, nudgeEvery?: number): Promise<void> {
  let left = ms;
  while (left > 0) {
    const step = Math.min(left, nudgeEvery ?? left);
    await page.clock.runFor(step);
    left -= step;
    if (nudgeEvery && left > 0) await page.mouse.move(300 + (left % 50), 300);
  }
}

/** Scrolls so the block starts at the top of the window: it becomes the block in view. */
async function show(page: Page, block: string): Promise<void> {
  await page.mouse.move(320, 320);
  await page.locator(`[data-guide-block="${block}"]`).evaluate((el) => el.scrollIntoView({ block: "start" }));
  await page.waitForTimeout(200);
}

/** Brings a quiz item to the middle of the window, as a learner scrolling to it would. */
async function toItem(page: Page, item: string): Promise<void> {
  await page.mouse.move(320, 320);
  await page.locator(`[data-quiz-item="${item}"]`).evaluate((el) => el.scrollIntoView({ block: "center" }));
  await page.waitForTimeout(200);
}

async function answer(page: Page, item: string, value: string): Promise<void> {
  const el = page.locator(`[data-quiz-item="${item}"]`);
  await toItem(page, item);
  await el.getByRole("textbox").fill(value);
  await el.getByRole("button", { name: "Check" }).click();
  await page.waitForTimeout(100);
}

const PRACTICE = [
  ["q-p1", "10"],
  ["q-p2", "7"],
  ["q-p3", "6"],
  ["q-p4", "6"],
  ["q-p5", "4"],
  ["q-p6", "4"],
] as const;

export const ARCHETYPES: Archetype[] = [
  {
    name: "steady_reader",
    label: "not_struggling",
    slug: "equations",
    async act(page, n) {
      const pace = 1 + n * 0.2;
      for (const [block, ms] of [
        ["intro", 6 * SECOND],
        ["balance-method", 80 * SECOND],
        ["general-solution", 20 * SECOND],
        ["worked-example", 25 * SECOND],
      ] as const) {
        await show(page, block);
        await pass(page, ms * pace, 12 * SECOND);
      }
      await answer(page, "q-exercise-1", "5");
      await pass(page, 20 * SECOND * pace, 10 * SECOND);
      await answer(page, "q-one-step", "5");
      await pass(page, 25 * SECOND * pace, 10 * SECOND);
      await answer(page, "q-two-step", "7");
    },
  },
  {
    name: "video_watcher",
    label: "not_struggling",
    slug: "video",
    async act(page, n) {
      await show(page, "video-intro");
      await pass(page, 8 * SECOND, 4 * SECOND);
      await show(page, "balance-video");
      await page.locator("video").evaluate((v: HTMLVideoElement) => v.play());
      // Watching: minutes without input while the clip plays.
      await pass(page, (150 + n * 30) * SECOND);
      await page.locator("video").evaluate((v: HTMLVideoElement) => v.pause());
      await show(page, "video-notes");
      await pass(page, 40 * SECOND, 10 * SECOND);
    },
  },
  {
    name: "fast_expert",
    label: "not_struggling",
    slug: "practice",
    async act(page, n) {
      await show(page, "practice-intro");
      await pass(page, 3 * SECOND);
      for (const [item, value] of PRACTICE) {
        await toItem(page, item);
        await pass(page, (8 + n) * SECOND, 4 * SECOND);
        await answer(page, item, value);
      }
    },
  },
  {
    name: "productive_struggle",
    label: "not_struggling",
    slug: "equations",
    async act(page, n) {
      await show(page, "worked-example");
      await pass(page, 25 * SECOND, 10 * SECOND);
      await toItem(page, "q-exercise-1");
      await pass(page, (40 + n * 10) * SECOND, 10 * SECOND);
      await answer(page, "q-exercise-1", "29");
      await pass(page, 50 * SECOND, 10 * SECOND);
      await answer(page, "q-exercise-1", "5");
      await toItem(page, "q-two-step");
      await pass(page, 35 * SECOND, 10 * SECOND);
      await answer(page, "q-two-step", "7");
    },
  },
  {
    name: "rereading",
    label: "struggling",
    slug: "equations",
    async act(page, n) {
      for (let round = 0; round < 4 + n; round++) {
        await show(page, "balance-method");
        await pass(page, 15 * SECOND, 5 * SECOND);
        await show(page, "general-solution");
        await pass(page, 8 * SECOND, 4 * SECOND);
        await show(page, "worked-example");
        await pass(page, 10 * SECOND, 5 * SECOND);
      }
      await answer(page, "q-exercise-1", "15");
    },
  },
  {
    name: "rapid_guessing",
    label: "struggling",
    slug: "practice",
    async act(page, n) {
      const guesses = ["3", "7", "1", "6", "2", "4"];
      for (let round = 0; round < 2; round++)
        for (const [i, [item]] of PRACTICE.entries()) {
          await toItem(page, item);
          await pass(page, (1 + ((i + n) % 2)) * SECOND);
          await answer(page, item, guesses[(i + round + n) % guesses.length] ?? "1");
        }
    },
  },
  {
    name: "stuck_on_question",
    label: "struggling",
    slug: "equations",
    async act(page, n) {
      await toItem(page, "q-exercise-1");
      await page.mouse.move(320, 320);
      await pass(page, (150 + n * 30) * SECOND);
      await answer(page, "q-exercise-1", "22");
      await pass(page, 120 * SECOND);
      await page.mouse.move(330, 330);
      await answer(page, "q-exercise-1", "7");
      await pass(page, 90 * SECOND);
      await page.mouse.move(340, 340);
    },
  },
  {
    name: "wheel_spinning",
    label: "struggling",
    slug: "practice",
    async act(page, n) {
      const wrong = ["8", "9", "12", "2", "3", "5", "11", "1"];
      for (let i = 0; i < 8 + n; i++) {
        const item = i % 2 === 0 ? "q-p3" : "q-p4";
        await toItem(page, item);
        await pass(page, 15 * SECOND, 5 * SECOND);
        await answer(page, item, wrong[i % wrong.length] ?? "0");
      }
    },
  },
];
