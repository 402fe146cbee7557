// Records browser traces: the real web client in Chromium on the sample course, each archetype
// acted out (archetypes.ts), the signals it sent saved in the agreed format to
// bench/traces/browser/<archetype>-<n>.json. Run: pnpm --filter @atomic-guide/e2e run traces.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { useBrowserSystem } from "../harness/browser-system.ts";
import { openSampleCourse } from "../harness/sample-course.ts";
import { ARCHETYPES } from "./archetypes.ts";

const OUT = join(import.meta.dirname, "..", "..", "..", "..", "bench", "traces", "browser");
const PER_ARCHETYPE = Number(process.env.TRACES_PER_ARCHETYPE ?? 2);

const e2e = useBrowserSystem({ keepHost: true });

beforeAll(() => {
  mkdirSync(OUT, { recursive: true });
});

for (const archetype of ARCHETYPES)
  for (let n = 1; n <= PER_ARCHETYPE; n++)
    it(`${archetype.name}-${n}`, async () => {
      const s = await openSampleCourse(e2e.browser, e2e.front.url, { slug: archetype.slug, fakeClock: true });
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
