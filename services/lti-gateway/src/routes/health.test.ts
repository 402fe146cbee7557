import { env, exports } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PENDING_PREFIX, type PendingAnnouncement } from "../sockets/pending";
import { STUCK_AFTER_MS } from "../sockets/pending-health";
import { forgetHealthReport, HEALTH_REPORT_TTL_MS } from "./health";

const SERVICES = ["lti-gateway", "chat", "struggle-detector", "analytics"];

async function getHealth() {
  const res = await exports.default.fetch(new Request("http://localhost/health"));
  return {
    res,
    body: (await res.json()) as { status: string; services: Record<string, Record<string, { status: string }>> },
  };
}

describe("GET /health", () => {
  beforeEach(forgetHealthReport);
  afterEach(() => {
    vi.useRealTimers();
  });

  it("asks every service over its binding for its D1, KV and Durable Object", async () => {
    const { res, body } = await getHealth();
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Request-Id")).toBeTruthy();
    expect(body.status).toBe("ok");
    expect(Object.keys(body.services).sort()).toEqual([...SERVICES].sort());
    for (const name of SERVICES) {
      const s = body.services[name]!;
      expect(s.status, name).toBe("ok");
      expect(s.d1!.status, `${name} d1`).toBe("ok");
      expect(s.kv!.status, `${name} kv`).toBe("ok");
      expect(s.durableObject!.status, `${name} durable object`).toBe("ok");
    }
  });

  it("says the gateway has no D1 (tenants live in KV), keeping the d1 entry of the public shape", async () => {
    const { body } = await getHealth();
    const gateway = body.services["lti-gateway"]!;
    expect(gateway.d1).toEqual({ status: "ok", latencyMs: 0, detail: expect.stringMatching(/^no database/) });
    expect(gateway.kv!.status).toBe("ok");
  });

  it("reports a service whose D1 is unmigrated as degraded, and still answers 200", async () => {
    await env.TEST_DB_ANALYTICS.prepare("DELETE FROM d1_migrations").run();
    const { res, body } = await getHealth();
    expect(res.status).toBe(200);
    expect(body.status).toBe("degraded");
    expect(body.services.analytics!.d1!.status).toBe("down");
    expect(body.services.chat!.status).toBe("ok");
  });

  it("serves one report to every caller for a few seconds, so a flood costs one fan-out", async () => {
    // The clock is the test's: frozen, then moved past the window by hand.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now());
    expect((await getHealth()).body.services.chat!.d1!.status).toBe("ok");
    // Broken after the report was built: callers inside the window still get that report...
    await env.TEST_DB_CHAT.prepare("DELETE FROM d1_migrations").run();
    vi.setSystemTime(Date.now() + HEALTH_REPORT_TTL_MS - 1);
    expect((await getHealth()).body.services.chat!.d1!.status).toBe("ok");
    // ...and the next window's report sees the change.
    vi.setSystemTime(Date.now() + 1);
    expect((await getHealth()).body.services.chat!.d1!.status).toBe("down");
  });

  describe("pending socket announcements", () => {
    type Announcements = { status: string; pending: number | null; oldestAgeMs: number | null };
    const announcementsOf = async () => {
      const { body } = await getHealth();
      return { body, announcements: body.services["lti-gateway"]!.socketAnnouncements as unknown as Announcements };
    };
    /** A marker as sockets/pending.ts writes it, marked `ageMs` before the test's clock. */
    const mark = (tenantId: string, ageMs: number) => {
      const metadata: PendingAnnouncement = {
        service: "chat",
        change: { tenantId, features: { chat: false, struggleDetection: true } },
        markedAtMs: Date.now() - ageMs,
      };
      return env.FLAGS.put(`${PENDING_PREFIX}chat:${tenantId}:features`, "", { metadata });
    };
    afterEach(async () => {
      for (const key of (await env.FLAGS.list({ prefix: PENDING_PREFIX })).keys) await env.FLAGS.delete(key.name);
    });

    it("reports none while every service was told", async () => {
      const { body, announcements } = await announcementsOf();
      expect(announcements).toEqual({ status: "ok", pending: 0, oldestAgeMs: null });
      // Earlier tests here broke other services' D1, so only the gateway's own entry is asserted.
      expect(body.services["lti-gateway"]!.status).toBe("ok");
    });

    it("counts the markers and the oldest one's age; fresh ones (the cron has yet to retry) stay ok", async () => {
      await mark("pending-a", 60_000);
      await mark("pending-b", 1_000);
      const { body, announcements } = await announcementsOf();
      expect(announcements.status).toBe("ok");
      expect(announcements.pending).toBe(2);
      expect(announcements.oldestAgeMs).toBeGreaterThanOrEqual(60_000);
      expect(announcements.oldestAgeMs).toBeLessThan(STUCK_AFTER_MS);
      // Earlier tests here broke other services' D1, so only the gateway's own entry is asserted.
      expect(body.services["lti-gateway"]!.status).toBe("ok");
    });

    it("degrades the gateway and the report when one has waited through several retries", async () => {
      await mark("pending-stuck", 2 * STUCK_AFTER_MS);
      await mark("pending-fresh", 0);
      const { res, body } = await getHealth();
      const announcements = body.services["lti-gateway"]!.socketAnnouncements as unknown as Announcements;
      // Launches are still served: degraded, not 503.
      expect(res.status).toBe(200);
      expect(announcements.status).toBe("degraded");
      expect(announcements.pending).toBe(2);
      expect(announcements.oldestAgeMs).toBeGreaterThanOrEqual(2 * STUCK_AFTER_MS);
      expect(body.services["lti-gateway"]!.status).toBe("degraded");
      expect(body.status).toBe("degraded");
    });
  });
});
