// Read-only mode and recovery across all four services, from outside: every D1 fails through the
// operator's fault switch (/admin/faults), long enough for every breaker's cooldown to grow to its
// cap (what a minute-long outage does with production timings), then D1 comes back WITHOUT the
// breaker reset that turning the switch off performs, so recovery has to come from the breakers
// half-opening by themselves. Time is the test's: the breaker timings are bindings of this system
// (D1_BREAKER_*), scaled from 5 s..60 s down to 100 ms..800 ms.
import { FAULTS_KEY } from "@atomic-guide/shared/resilience/fault-key";
import { type RunningSystem, startSystem } from "@atomic-guide/testing/system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adminHeaders,
  api,
  DEFAULT_CONTEXT,
  eventually,
  type Launched,
  launch,
  stopSystem,
  stuckBurst,
} from "../../support/flows";

const SERVICES = ["lti-gateway", "chat", "struggle-detector", "analytics"] as const;
const BREAKER = { D1_BREAKER_COOLDOWN_MS: "100", D1_BREAKER_MAX_COOLDOWN_MS: "800" };
/** The contract's promise for reads during an outage. */
const READ_BUDGET_MS = 3_000;

interface Probe {
  status: number;
  degraded: boolean;
  ms: number;
}

describe("outage: every D1 down, then back without a restart", () => {
  let system: RunningSystem;
  let learner: Launched;
  let instructor: Launched;
  const insightPath = `/api/courses/${DEFAULT_CONTEXT}/insights`;
  let insightReads = 0;
  let conversationId = "";

  beforeAll(async () => {
    system = await startSystem({
      bindings: Object.fromEntries(SERVICES.map((s) => [s, BREAKER])),
    });
    learner = await launch(system, { role: "learner" });
    instructor = await launch(system, { role: "instructor" });
  });
  afterAll(() => stopSystem(system));

  async function timed(path: string, token?: string): Promise<Probe> {
    const started = performance.now();
    const res = token ? await api(system, token, path) : await system.fetch(path, { headers: adminHeaders });
    await res.arrayBuffer();
    if (path === insightPath && res.status === 200) insightReads++;
    return {
      status: res.status,
      degraded: res.headers.get("X-Atomic-Degraded") === "read-only",
      ms: performance.now() - started,
    };
  }

  /** Every read of the contract, each with its caller (pages never read before the outage included). */
  const reads = (): [string, string | undefined][] => [
    [insightPath, instructor.apiToken],
    ["/api/analytics/overview", instructor.apiToken],
    ["/api/learners/me/export", learner.apiToken],
    ["/api/learners/me/profile", learner.apiToken],
    ["/api/learners/me/sessions?limit=5", learner.apiToken],
    ["/api/learners/me/interventions?limit=5", learner.apiToken],
    ["/api/chat/conversations?limit=5", learner.apiToken],
    [`/api/chat/history/${conversationId}`, learner.apiToken],
    ["/admin/metrics", undefined],
  ];

  async function sendWrites(round: number) {
    const signals = await api(system, learner.apiToken, "/api/cognitive/signals", {
      body: { signals: stuckBurst(`outage-q${round}`) },
    });
    const chat = await api(system, learner.apiToken, "/api/chat/message", {
      body: { message: `Round ${round}: what is a loop invariant?`, ...(conversationId ? { conversationId } : {}) },
    });
    if (chat.status === 200 && !conversationId) {
      conversationId = ((await chat.clone().json()) as { conversationId: string }).conversationId;
    }
    return { signals: signals.status, chat: chat.status };
  }

  async function analyticsCounts(userId = "late-learner") {
    const db = await system.db("analytics");
    const events = await db
      .prepare("SELECT COUNT(*) AS n, COUNT(DISTINCT event_id) AS d FROM learning_events WHERE tenant_id = ?")
      .bind(learner.launchJson.tenantId)
      .first<{ n: number; d: number }>();
    const struggles = await db
      .prepare(
        "SELECT event_id FROM learning_events WHERE tenant_id = ? AND user_id = ? AND type = 'struggle_detected'",
      )
      .bind(learner.launchJson.tenantId, userId)
      .all<{ event_id: string }>();
    const audits = await db
      .prepare("SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM audit_log WHERE action = 'insight_read'")
      .first<{ n: number; d: number }>();
    return {
      events: events?.n ?? 0,
      distinctEvents: events?.d ?? 0,
      struggleEventIds: struggles.results.map((r) => r.event_id).sort(),
      audits: audits?.n ?? 0,
      distinctAudits: audits?.d ?? 0,
    };
  }

  async function d1Up() {
    // Straight to KV, as the chaos test does: unlike DELETE /admin/faults this leaves the breakers
    // as the outage left them, so they must half-open and close on their own.
    for (const service of SERVICES) {
      const kv = await system.mf.getKVNamespace("SNAPSHOTS", `atomic-guide-${service}`);
      await kv.delete(`${FAULTS_KEY}:${service}`);
    }
  }

  it("serves every read during the outage, then answers live again and loses or doubles nothing", async () => {
    // Before: the writes reach analytics and refresh its snapshots (nobody has read them yet).
    expect(await sendWrites(0)).toEqual({ signals: 202, chat: 200 });
    const before = await eventually(analyticsCounts, (c) => c.events > 0);
    expect(before.events).toBeGreaterThan(0);

    const down = await system.fetch("/admin/faults/all", {
      method: "PUT",
      headers: adminHeaders,
      body: JSON.stringify({ mode: "fail" }),
    });
    expect(down.status).toBe(200);

    // Enough rounds for every breaker to reach its capped cooldown.
    const duringWrites: { signals: number; chat: number }[] = [];
    for (let round = 1; round <= 4; round++) {
      duringWrites.push(await sendWrites(round));
      for (const [path, token] of reads()) {
        if (path === "/admin/metrics") continue;
        const probe = await timed(path, token);
        expect(probe.status, `${path} during the outage`).toBe(200);
        expect(probe.ms, `${path} during the outage`).toBeLessThan(READ_BUDGET_MS);
        // Analytics answers from its snapshots; the learner's own reads are live from Durable Objects.
        if (path === insightPath || path === "/api/analytics/overview") expect(probe.degraded, path).toBe(true);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(duringWrites.every((w) => w.signals === 202 && w.chat === 200)).toBe(true);
    // A learner who first arrives during the outage: launched, and struggling at once.
    const late = await launch(system, { role: "learner", userId: "late-learner" });
    const lateSignals = await api(system, late.apiToken, "/api/cognitive/signals", {
      body: { signals: stuckBurst("outage-late") },
    });
    expect(lateSignals.status).toBe(202);
    await expect
      .poll(async () => ((await (await system.fetch("/health")).json()) as { status: string }).status, {
        timeout: 30_000,
        interval: 500,
      })
      .toBe("degraded");
    const inD1DuringOutage = await analyticsCounts();

    await d1Up();
    // Every read answers live again (not from a snapshot), /admin/metrics included.
    const recovered = await eventually(
      async () => Promise.all(reads().map(([path, token]) => timed(path, token))),
      (probes) => probes.every((p) => p.status === 200 && !p.degraded),
      { attempts: 60, intervalMs: 250 },
    );
    expect(recovered.map((p) => [p.status, p.degraded])).toEqual(reads().map(() => [200, false]));
    // The gateway caches /health for a few seconds: wait for a report made after the recovery.
    await expect
      .poll(async () => ((await (await system.fetch("/health")).json()) as { status: string }).status, {
        timeout: 30_000,
        interval: 500,
      })
      .toBe("ok");
    // The learner's struggle events as their Durable Object holds them (the truth), via the export.
    const exported = (await (await api(system, late.apiToken, "/api/learners/me/export")).json()) as {
      services: { "struggle-detector": { struggleEvents: { event_id: string }[] } };
    };
    const heldIds = exported.services["struggle-detector"].struggleEvents.map((e) => e.event_id).sort();
    expect(heldIds.length).toBeGreaterThan(0);
    expect(inD1DuringOutage.struggleEventIds).toEqual([]);

    // Everything written during the outage lands once: learning events replayed from the
    // senders' outboxes, and the audit rows of the insight reads served from snapshots.
    const after = await eventually(
      analyticsCounts,
      (c) => c.struggleEventIds.length >= heldIds.length && c.audits >= insightReads,
      { attempts: 240, intervalMs: 250 },
    );
    expect(after.struggleEventIds).toEqual(heldIds);
    expect(after.events).toBe(after.distinctEvents);
    expect(after.audits).toBe(insightReads);
    expect(after.distinctAudits).toBe(after.audits);
  }, 240_000);
});
