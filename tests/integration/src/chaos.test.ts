// The chaos test: the whole system in one Miniflare, several learners sending signals and chat
// messages, and every service's D1 failing for a while in the middle. It checks that the
// learners' reads answered live (from their Durable Objects) during the outage, launches never failed, and afterwards every write
// is in D1 exactly once. D1 faults are the dev/test-only injection (resilience/d1-faults.ts),
// switched through each service's SNAPSHOTS KV record like GET/PUT /admin/faults does.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@atomic-guide/testing/flows";
import { type RunningSystem, startSystem, TEST_ADMIN_TOKEN } from "@atomic-guide/testing/system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimulatedPlatform } from "../../support/lti-platform";
import { ChaosDriver, type Learner } from "./chaos-driver";

const LEARNERS = 3;
const ROUNDS_BEFORE = 2;
const ROUNDS_DURING = 3;
const ROUNDS_AFTER = 1;
/** How long the replay may take: outbox alarms back off, so this is generous (it is not asserted). */
const REPLAY_DEADLINE_MS = 90_000;

describe("chaos: D1 fails under load and comes back", () => {
  let system: RunningSystem;
  let server: Server;
  let driver: ChaosDriver;

  beforeAll(async () => {
    system = await startSystem();
    // The simulated LMS on a loopback port, so the gateway fetches its JWKS over real HTTP.
    let platform: SimulatedPlatform | undefined;
    server = await serve(async (request) => platform?.handle(request));
    const { port } = server.address() as AddressInfo;
    platform = await SimulatedPlatform.create({ shape: "moodle", origin: `http://127.0.0.1:${port}` });
    const res = await system.fetch("/admin/platforms", {
      method: "POST",
      headers: { Authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify(platform.registrationBody()),
    });
    expect([200, 201]).toContain(res.status);
    driver = new ChaosDriver(system, platform, ((await res.json()) as { tenantId: string }).tenantId);
  });

  afterAll(async () => {
    await system?.dispose();
    await new Promise((resolve) => server?.close(resolve));
  });
  it("keeps serving through the outage and ends with every write in D1 exactly once", async () => {
    const { tally } = driver;
    const learners: Learner[] = [];
    for (let i = 0; i < LEARNERS; i++) {
      const learner = await driver.launch(`chaos-learner-${i}`);
      if (learner) learners.push(learner);
    }
    expect(learners).toHaveLength(LEARNERS);

    let n = 0;
    for (let r = 0; r < ROUNDS_BEFORE; r++) await driver.round(learners, ++n);
    for (const l of learners) await driver.readSessions(l);
    expect(tally.reads.fresh).toBe(LEARNERS);

    const sentBeforeOutage = { messages: tally.messagesSent, signals: tally.signalsAccepted };
    await driver.setD1("down");
    for (let r = 0; r < ROUNDS_DURING; r++) {
      await driver.round(learners, ++n);
      for (const l of learners) await driver.readSessions(l);
    }
    const lateLearner = await driver.launch("chaos-learner-late");
    if (lateLearner) learners.push(lateLearner);
    const health = (await (await system.fetch("/health")).json()) as {
      status: string;
      services: Record<string, { status: string; d1?: { status: string }; breaker?: { state: string }[] }>;
    };
    tally.healthDuringOutage = health.status;
    tally.servicesDuringOutage = Object.fromEntries(
      Object.entries(health.services).map(([name, s]) => [
        name,
        `${s.status} (d1 ${s.d1?.status ?? "none"}; breaker ${(s.breaker ?? []).map((b) => b.state).join(",") || "-"})`,
      ]),
    );
    // Nothing sent during the outage reached D1 (these reads bypass the injected fault).
    const inD1DuringOutage = await driver.d1Counts();
    await driver.setD1("up");

    // Breakers stay open for their cooldown, then half-open probes (health checks and real
    // reads) close them: wait until /health is ok again before the last round.
    const recoveryDeadline = Date.now() + REPLAY_DEADLINE_MS;
    let recovered = "degraded";
    while (recovered !== "ok" && Date.now() < recoveryDeadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const probe = await driver.api(learners[0] as Learner, "/api/learners/me/sessions");
      await probe.arrayBuffer();
      recovered = ((await (await system.fetch("/health")).json()) as { status: string }).status;
    }
    tally.healthAfterOutage = recovered;

    for (let r = 0; r < ROUNDS_AFTER; r++) await driver.round(learners, ++n);

    const exportedEvents = await driver.exportedStruggleEventIds(learners);
    expect(exportedEvents.length).toBeGreaterThan(0);

    // Replays run from the Durable Objects' alarms with backoff; wait until D1 has caught up.
    const deadline = Date.now() + REPLAY_DEADLINE_MS;
    let counts = await driver.d1Counts();
    while (
      Date.now() < deadline &&
      (counts.userMessages < tally.messagesSent ||
        counts.sessionSignals < tally.signalsAccepted ||
        counts.struggleEvents < exportedEvents.length)
    ) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      counts = await driver.d1Counts();
    }

    console.log(
      JSON.stringify(
        {
          chaos: {
            learners: learners.length,
            launches: tally.launches,
            signalRequests: tally.signalRequests,
            signalsAccepted: tally.signalsAccepted,
            chatRequests: tally.chatRequests,
            messagesSent: tally.messagesSent,
            reads: tally.reads,
            healthDuringOutage: tally.healthDuringOutage,
            servicesDuringOutage: tally.servicesDuringOutage,
            healthAfterOutage: tally.healthAfterOutage,
            inD1AtEndOfOutage: inD1DuringOutage,
            sentBeforeOutage,
            d1: counts,
            exportedStruggleEvents: exportedEvents.length,
            lost: {
              messages: tally.messagesSent - counts.userMessages,
              signals: tally.signalsAccepted - counts.sessionSignals,
            },
            duplicated: {
              messages: counts.messages - counts.distinctMessages,
              struggleEvents: counts.struggleEvents - counts.distinctStruggleEvents,
            },
          },
        },
        null,
        2,
      ),
    );

    // Launches never failed, before, during or after the outage.
    expect(tally.launches).toEqual({ ok: LEARNERS + 1, failed: 0 });
    // The outage was visible in /health...
    expect(tally.healthDuringOutage).toBe("degraded");
    // ...struggle-detector saw its D1 down...
    expect(tally.servicesDuringOutage?.["struggle-detector"]).toMatch(/^degraded \(d1 down/);
    // ...and half-open probes closed every breaker once D1 was back.
    expect(tally.healthAfterOutage).toBe("ok");
    // ...and the learners' own history never noticed: their Durable Objects answer it live.
    expect(tally.reads).toEqual({ fresh: LEARNERS * (1 + ROUNDS_DURING), degraded: 0, failed: 0 });
    expect(inD1DuringOutage.userMessages).toBeLessThanOrEqual(sentBeforeOutage.messages);
    expect(inD1DuringOutage.sessionSignals).toBeLessThanOrEqual(sentBeforeOutage.signals);
    // Writes were accepted throughout (queued during the outage, never dropped).
    expect(tally.signalRequests.failed).toBe(0);
    expect(tally.chatRequests.failed).toBe(0);
    // Zero lost and zero duplicated.
    expect(counts.userMessages).toBe(tally.messagesSent);
    expect(counts.messages).toBe(counts.distinctMessages);
    expect(counts.messages).toBe(2 * tally.messagesSent);
    expect(counts.sessionSignals).toBe(tally.signalsAccepted);
    expect(counts.struggleEvents).toBe(counts.distinctStruggleEvents);
    expect(counts.struggleEvents).toBe(exportedEvents.length);
    const eventRows = await driver.rowsPerId("struggle-detector", "struggle_events", exportedEvents);
    expect(eventRows).toEqual(Object.fromEntries(exportedEvents.map((id) => [id, 1])));
    const messageRows = await driver.rowsPerId("chat", "messages", tally.assistantMessageIds);
    expect(messageRows).toEqual(Object.fromEntries(tally.assistantMessageIds.map((id) => [id, 1])));
  }, 240_000);
  // Needs the wiring in docs/resilience.md: registerFaultAdminRoutes in the gateway's admin
  // routes and controlD1Faults on the chat, struggle-detector and analytics entrypoints.
  it("lets an operator steer D1 faults through /admin/faults", async () => {
    const admin = { Authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "Content-Type": "application/json" };
    type Faults = { faults: { service: string; fault: { mode: string } | null }[] };
    const unauthenticated = await system.fetch("/admin/faults");
    expect(unauthenticated.status).toBe(401);
    await unauthenticated.arrayBuffer();

    const put = await system.fetch("/admin/faults/chat", {
      method: "PUT",
      headers: admin,
      body: JSON.stringify({ mode: "slow", delayMs: 10, scope: "writes" }),
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({
      faults: [{ service: "chat", fault: { mode: "slow", delayMs: 10, scope: "writes" } }],
    });

    const listed = (await (await system.fetch("/admin/faults", { headers: admin })).json()) as Faults;
    expect(listed.faults.map((f) => [f.service, f.fault?.mode ?? null])).toEqual([
      ["chat", "slow"],
      ["struggle-detector", null],
      ["analytics", null],
    ]);

    for (const [path, body] of [
      ["/admin/faults/nowhere", { mode: "fail" }],
      // The gateway has no D1 database.
      ["/admin/faults/lti-gateway", { mode: "fail" }],
      ["/admin/faults/chat", { mode: "explode" }],
      ["/admin/faults/chat", { mode: "slow", delayMs: -5 }],
    ] as const) {
      const res = await system.fetch(path, { method: "PUT", headers: admin, body: JSON.stringify(body) });
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(await res.json()).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
    }

    const off = await system.fetch("/admin/faults/all", { method: "DELETE", headers: admin });
    expect(off.status).toBe(200);
    expect(((await off.json()) as Faults).faults.map((f) => f.fault)).toEqual([null, null, null]);
  });
});
