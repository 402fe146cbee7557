// Records browser traces: the real web client in Chromium on the sample course, each archetype
// acted out (archetypes.ts), the signals it sent saved in the agreed format to
// bench/traces/browser/<archetype>-<n>.json. Run: pnpm --filter @atomic-guide/e2e run traces.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type RunningSystem, startSystem } from "@atomic-guide/testing/system";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { LAUNCHES } from "../fixtures/launches.ts";
import { launchBrowser } from "../harness/browser.ts";
import { openSampleCourse } from "../harness/sample-course.ts";
import { type FrontServer, startFrontServer } from "../harness/server.ts";
import { ARCHETYPES } from "./archetypes.ts";

const OUT = join(import.meta.dirname, "..", "..", "..", "..", "bench", "traces", "browser");
const PER_ARCHETYPE = Number(process.env.TRACES_PER_ARCHETYPE ?? 2);

let system: RunningSystem;
let front: FrontServer;
let browser: Browser;

beforeAll(async () => {
  system = await startSystem();
  const systemUrl = String(await system.mf.ready).replace(/\/$/, "");
  front = await startFrontServer(new URL(systemUrl), LAUNCHES, "", { keepHost: true });
  browser = await launchBrowser();
  mkdirSync(OUT, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await front?.close();
  await system?.dispose();
});

for (const archetype of ARCHETYPES)
  for (let n = 1; n <= PER_ARCHETYPE; n++)
    it(`${archetype.name}-${n}`, async () => {
      const s = await openSampleCourse(browser, front.url, { slug: archetype.slug, fakeClock: true });
      try {
        await archetype.act(s.page, n);
        // Hiding the page ends the last dwell and flushes the queue, as a learner leaving would.
        await s.page.evaluate(() => window.dispatchEvent(new PageTransitionEvent("pagehide")));
        await s.page.clock.runFor(6_000);
        await s.page.waitForTimeout(1_000);
        expect(s.signals.length).toBeGreaterThan(0);
        const trace = {
          format: "atomic-guide-trace/1",
          archetype: archetype.name,
          label: archetype.label,
          source: "browser",
          courseId: "sample-course",
          signals: s.signals,
        };
        writeFileSync(join(OUT, `${archetype.name}-${n}.json`), `${JSON.stringify(trace, null, 1)}\n`);
      } finally {
        await s.close();
      }
    });
