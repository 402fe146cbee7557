import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { parseWith } from "@atomic-guide/shared";
import { MAX_SAMPLES_PER_BATCH, type MetricSample, MetricsBatchSchema } from "@atomic-guide/shared/metrics/schema";
import { describe, expect, it } from "vitest";
import { futureMinute } from "../testing/future-minutes";
import { type FlushResult, MAX_RAW_PER_FLUSH, type MetricsBufferDO } from "./metrics-buffer";

// A backlog like a saturated service leaves (issue 18: analytics stalled under 50 conversations
// back to back).
const MINUTE = futureMinute();
const NEXT_MINUTE = futureMinute(1);
/** Samples of the minute that closes first, then of the one still open when the drain starts. */
const FIRST = 3 * MAX_RAW_PER_FLUSH;
const SECOND = MAX_RAW_PER_FLUSH + 500;

const sample = (i: number, minute = MINUTE): MetricSample => ({
  kind: "request",
  service: "chat",
  route: "/api/chat/message",
  method: "POST",
  status: i % 20 === 0 ? 500 : 200,
  durationMs: (i % 50) + 1,
  tenantId: "backlog-u",
  at: `${minute}:${String(i % 60).padStart(2, "0")}.000Z`,
});

const requestSamples = async () =>
  (
    await env.DB.prepare("SELECT count(*) AS n FROM request_samples WHERE tenant_id = 'backlog-u'").first<{
      n: number;
    }>()
  )?.n ?? 0;

describe("MetricsBufferDO under a backlog", () => {
  it("answers while thousands of samples wait, writes them in bounded batches, and loses none", async () => {
    const buffer = env.METRICS_BUFFER.get(env.METRICS_BUFFER.idFromName("metrics:backlog-test"));
    const drained = await runInDurableObject(buffer, async (instance: MetricsBufferDO, state) => {
      const all = [
        ...Array.from({ length: FIRST }, (_, i) => sample(i)),
        ...Array.from({ length: SECOND }, (_, i) => sample(i, NEXT_MINUTE)),
      ];
      for (let start = 0; start < all.length; start += MAX_SAMPLES_PER_BATCH) {
        const samples = all.slice(start, start + MAX_SAMPLES_PER_BATCH);
        await instance.add(parseWith(MetricsBatchSchema, { service: "chat", samples, at: `${NEXT_MINUTE}:59.000Z` }));
      }
      // Crossing the threshold asked the alarm for a flush; no add wrote anything itself.
      const alarm = await state.storage.getAlarm();
      await state.storage.deleteAlarm();
      const writtenByAdds = await requestSamples();
      // The open figures are there at once, from the running aggregates.
      const open = await instance.openRollups(MINUTE, NEXT_MINUTE, "backlog-u");

      const flushes: FlushResult[] = [];
      // By this clock the first minute has closed (75 s ago), the next has not.
      const firstClosed = Date.parse(`${NEXT_MINUTE}:30.000Z`);
      for (let i = 0; i < 10; i++) {
        const result = await instance.flush(firstClosed);
        flushes.push(result);
        if (result.rawWritten < MAX_RAW_PER_FLUSH) break;
      }
      const last = await instance.flush(firstClosed + 60_000);
      return { alarm, writtenByAdds, open, flushes, last };
    });

    expect(drained.alarm).not.toBeNull();
    expect(drained.writtenByAdds).toBe(0);
    expect(drained.open.requests.reduce((n, r) => n + r.count, 0)).toBe(FIRST + SECOND);

    // One bounded batch per flush; the closed minute is rolled up by the batch that takes its
    // last samples, while the backlog of the open one still waits.
    expect(drained.flushes.map((r) => [r.rawWritten, r.minutesRolled])).toEqual([
      [MAX_RAW_PER_FLUSH, 0],
      [MAX_RAW_PER_FLUSH, 0],
      [MAX_RAW_PER_FLUSH, 1],
      [MAX_RAW_PER_FLUSH, 0],
      [500, 0],
    ]);
    expect(drained.last).toMatchObject({ rawWritten: 0, minutesRolled: 1, pending: 0 });

    expect(await requestSamples()).toBe(FIRST + SECOND);
    const rollups = await env.DB.prepare(
      "SELECT minute, count, errors, max_ms FROM request_rollups WHERE tenant_id = 'backlog-u' ORDER BY minute",
    ).all();
    expect(rollups.results).toEqual([
      { minute: MINUTE, count: FIRST, errors: FIRST / 20, max_ms: 50 },
      { minute: NEXT_MINUTE, count: SECOND, errors: SECOND / 20, max_ms: 50 },
    ]);
  });
});
