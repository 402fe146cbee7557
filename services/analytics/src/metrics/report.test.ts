import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { encodeAuthContext } from "@atomic-guide/shared";
import type { MetricSample } from "@atomic-guide/shared/metrics/schema";
import { describe, expect, it } from "vitest";
import type { MetricsBufferDO } from "../do/metrics-buffer";
import { metricsBufferFor } from "./sink";
import { resolveWindow } from "./window";

const at = (minute: string, second: number) => `2030-02-01T10:${minute}:${String(second).padStart(2, "0")}.000Z`;
const request = (
  service: "chat" | "struggle-detector",
  route: string,
  durationMs: number,
  minute = "00",
): MetricSample => ({
  kind: "request",
  service,
  route,
  method: "GET",
  status: durationMs > 900 ? 503 : 200,
  durationMs,
  tenantId: "acme",
  at: at(minute, 5),
});
const query = (name: string, durationMs: number, minute = "00"): MetricSample => ({
  kind: "query",
  service: "chat",
  name,
  durationMs,
  rowsRead: 10,
  rowsWritten: 2,
  ok: true,
  at: at(minute, 6),
});

describe("getMetrics (GET /admin/metrics)", () => {
  it("reports routes with percentiles, named queries, the slowest first, and drops, stored and still buffered", async () => {
    const chatSamples: MetricSample[] = [
      ...Array.from({ length: 20 }, (_, i) => request("chat", "/api/chat/message", i + 1)),
      request("chat", "/api/chat/message", 1000),
      ...Array.from({ length: 5 }, () => query("chat.history", 2)),
      ...Array.from({ length: 5 }, () => query("chat.search", 40)),
    ];
    await exports.default.recordMetrics({ service: "chat", samples: chatSamples, at: at("00", 30), dropped: 3 });
    // Minute 00 closes and is rolled up into D1.
    await runInDurableObject(metricsBufferFor(env, "chat"), (instance: MetricsBufferDO) =>
      instance.flush(Date.parse(at("02", 0))),
    );
    // Minute 05 is still in the buffer when the operator looks.
    await exports.default.recordMetrics({
      service: "chat",
      samples: [request("chat", "/api/chat/message", 5, "05")],
      at: at("05", 30),
    });
    await exports.default.recordMetrics({
      service: "struggle-detector",
      samples: [request("struggle-detector", "/api/cognitive/signals", 7, "05")],
      at: at("05", 30),
    });

    const report = await exports.default.getMetrics({ from: at("00", 0), to: at("10", 0) });
    const message = report.routes.find((r) => r.route === "/api/chat/message");
    expect(message).toMatchObject({ service: "chat", count: 22, errors: 1, maxMs: 1000 });
    // 22 samples 1..20, 5, 1000: p50 about 10 (histogram, within a bucket), p99 the outlier.
    expect(message?.p50Ms).toBeGreaterThan(9);
    expect(message?.p50Ms).toBeLessThan(11.5);
    expect(message?.p99Ms).toBeGreaterThan(950);
    expect(message?.p99Ms).toBeLessThanOrEqual(1000);
    expect(report.routes.find((r) => r.service === "struggle-detector")).toMatchObject({
      route: "/api/cognitive/signals",
      count: 1,
    });
    expect(report.queries.map((q) => q.name).sort()).toEqual(["chat.history", "chat.search"]);
    expect(report.slowQueries[0]).toMatchObject({ name: "chat.search", count: 5, rowsRead: 50, rowsWritten: 10 });
    expect(report.dropped).toMatchObject({ chat: 3, "struggle-detector": 0, analytics: 0, "lti-gateway": 0 });

    const onlySd = await exports.default.getMetrics({
      service: "struggle-detector",
      from: at("00", 0),
      to: at("10", 0),
    });
    expect(onlySd.routes.map((r) => r.service)).toEqual(["struggle-detector"]);
    expect(Object.keys(onlySd.dropped)).toEqual(["struggle-detector"]);
  });

  it("gives the tenant's overview the same figures, its own tenant only", async () => {
    const auth = encodeAuthContext({ tenantId: "acme", userId: "t", roles: [], isInstructor: true, contextId: "c" });
    const res = await exports.default.fetch(
      new Request(`http://analytics/api/analytics/overview?from=${at("00", 0)}&to=${at("10", 0)}`, {
        headers: { "X-Atomic-Auth": auth },
      }),
    );
    const body = await res.json<{ services: Record<string, { requests: number; errors: number; status: string }> }>();
    expect(body.services.chat).toMatchObject({ requests: 22, errors: 1, status: "ok" });
    expect(body.services["struggle-detector"]).toMatchObject({ requests: 1, errors: 0 });

    const other = encodeAuthContext({ tenantId: "other", userId: "t", roles: [], isInstructor: true, contextId: "c" });
    const otherRes = await exports.default.fetch(
      new Request(`http://analytics/api/analytics/overview?from=${at("00", 0)}&to=${at("10", 0)}`, {
        headers: { "X-Atomic-Auth": other },
      }),
    );
    expect((await otherRes.json<{ services: object }>()).services).toEqual({});
  });

  it("defaults the window to the last hour and refuses reversed or over-long ones", () => {
    const now = Date.parse("2026-11-24T12:00:00.000Z");
    expect(resolveWindow(undefined, undefined, 3_600_000, now)).toEqual({
      from: "2026-11-24T11:00:00.000Z",
      to: "2026-11-24T12:00:00.000Z",
    });
    expect(() => resolveWindow("2026-11-24T12:00:00.000Z", "2026-11-24T11:00:00.000Z", 1, now)).toThrow(
      expect.objectContaining({ status: 400, code: "invalid_window" }),
    );
    expect(() => resolveWindow("2026-01-01T00:00:00.000Z", "2026-11-24T11:00:00.000Z", 1, now)).toThrow(
      expect.objectContaining({ code: "invalid_window" }),
    );
  });
});
