import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { parseWith } from "@atomic-guide/shared";
import { type MetricSample, MetricsBatchSchema } from "@atomic-guide/shared/metrics/schema";
import { describe, expect, it } from "vitest";
import { requestSample } from "../testing/metric-samples";

/** A minute that closed well before the test's own clock, so the alarm's flush rolls it up and keeps nothing. */
const closedMinute = () => new Date(Date.now() - 10 * 60_000).toISOString().slice(0, 16);

const sample = (minute: string, durationMs: number): MetricSample =>
  requestSample(durationMs, { tenantId: "alarm-tenant", at: `${minute}:30.000Z` });

const buffer = () => env.METRICS_BUFFER.get(env.METRICS_BUFFER.idFromName("metrics:alarm-test"));
const add = (minute: string, durationMs: number) =>
  buffer().add(
    parseWith(MetricsBatchSchema, { service: "chat", samples: [sample(minute, durationMs)], at: `${minute}:59.000Z` }),
  );
const alarmOf = () => env.METRICS_BUFFER.get(env.METRICS_BUFFER.idFromName("metrics:alarm-test"));

describe("the metrics buffer's alarm", () => {
  it("is set again by the first add after an alarm that flushed everything and set none", async () => {
    const minute = closedMinute();
    await add(minute, 5);
    // The alarm the add set runs: every sample written and its minute rolled up, nothing left to wait for.
    expect(await runDurableObjectAlarm(alarmOf())).toBe(true);
    expect(await runDurableObjectAlarm(alarmOf())).toBe(false);
    await add(minute, 7);
    // The object remembered the alarm it had set; that one ran, so this add must set a new one.
    expect(await runDurableObjectAlarm(alarmOf())).toBe(true);
  });
});
