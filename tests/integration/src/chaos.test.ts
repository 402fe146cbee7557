// The chaos test: the whole system in one Miniflare, several learners sending signals and chat
// messages, and every service's D1 failing for a while in the middle. It checks that the
// learners' reads answered live (from their Durable Objects) during the outage, launches never failed, and afterwards every write
// is in D1 exactly once. D1 faults are the dev/test-only injection (resilience/d1-faults.ts),
// switched through each service's SNAPSHOTS KV record like GET/PUT /admin/faults does.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { FAULTS_KEY } from "@atomic-guide/shared/resilience/fault-key";
import { type RunningSystem, startSystem, TEST_ADMIN_TOKEN } from "@atomic-guide/testing/system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLE, SimulatedPlatform } from "../../support/lti-platform";

const SERVICES = ["lti-gateway", "chat", "struggle-detector", "analytics"] as const;
const LEARNERS = 3;
const ROUNDS_BEFORE = 2;
const ROUNDS_DURING = 3;
const ROUNDS_AFTER = 1;
const TARGET = "http://localhost:8787/lti/launch";
/** How long the replay may take: outbox alarms back off, so this is generous (it is not asserted). */
const REPLAY_DEADLINE_MS = 90_000;

interface Learner {
  sub: string;
  token: string;
  conversationId?: string;
}

interface Tally {
  launches: { ok: number; failed: number };
  signalsAccepted: number;
  signalRequests: { ok: number; failed: number };
  messagesSent: number;
  chatRequests: { ok: number; failed: number };
  assistantMessageIds: string[];
  reads: { fresh: number; degraded: number; failed: number };
  healthDuringOutage?: string;
  healthAfterOutage?: string;
  /** Per service: overall status, D1 probe, and breaker states. */
  servicesDuringOutage?: Record<string, string>;
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The simulated LMS on a loopback port, so the gateway fetches its JWKS over real HTTP. */
async function servePlatform(): Promise<{ platform: SimulatedPlatform; server: Server }> {
  let platform: SimulatedPlatform | undefined;
  const server = createServer(async (req, res) => {
    const payload = await body(req);
    const request = new Request(`${platform?.origin ?? "http://127.0.0.1"}${req.url ?? "/"}`, {
      method: req.method ?? "GET",
      headers: Object.entries(req.headers).flatMap(([k, v]) =>
        typeof v === "string" ? [[k, v] as [string, string]] : [],
      ),
      ...(payload.length > 0 ? { body: new Uint8Array(payload) } : {}),
    });
    const answer = (await platform?.handle(request)) ?? new Response("not found", { status: 404 });
    const headers: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      headers[name] = value;
    });
    res.writeHead(answer.status, headers);
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  platform = await SimulatedPlatform.create({ shape: "moodle", origin: `http://127.0.0.1:${port}` });
  return { platform, server };
}

describe("chaos: D1 fails under load and comes back", () => {
  let system: RunningSystem;
  let platform: SimulatedPlatform;
  let server: Server;
  let tenantId: string;
  const tally: Tally = {
    launches: { ok: 0, failed: 0 },
    signalsAccepted: 0,
    signalRequests: { ok: 0, failed: 0 },
    messagesSent: 0,
    chatRequests: { ok: 0, failed: 0 },
    assistantMessageIds: [],
    reads: { fresh: 0, degraded: 0, failed: 0 },
  };

  beforeAll(async () => {
    system = await startSystem();
    ({ platform, server } = await servePlatform());
    const res = await system.fetch("/admin/platforms", {
      method: "POST",
      headers: { Authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify(platform.registrationBody()),
    });
    expect([200, 201]).toContain(res.status);
    tenantId = ((await res.json()) as { tenantId: string }).tenantId;
  });

  afterAll(async () => {
    await system?.dispose();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function setD1(state: "down" | "up") {
    for (const service of SERVICES) {
      const kv = await system.mf.getKVNamespace("SNAPSHOTS", `atomic-guide-${service}`);
      const key = `${FAULTS_KEY}:${service}`;
      if (state === "down") await kv.put(key, JSON.stringify({ mode: "fail" }));
      else await kv.delete(key);
    }
  }

  async function launch(sub: string): Promise<Learner | undefined> {
    const params = new URLSearchParams(platform.loginParams(TARGET, { login_hint: sub }));
    const init = await system.fetch(`/lti/init?${params}`, { redirect: "manual" });
    const location = init.headers.get("Location");
    const cookie = (init.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
    await init.arrayBuffer();
    if (init.status !== 302 || !location) {
      tally.launches.failed++;
      return undefined;
    }
    const auth = platform.parseAuthRequest(location);
    const idToken = await platform.sign(
      platform.idTokenClaims({
        nonce: auth.nonce,
        targetLinkUri: TARGET,
        user: { sub, name: `Learner ${sub}`, roles: [ROLE.learner] },
      }),
    );
    const res = await system.fetch("/lti/launch", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
      body: new URLSearchParams({ id_token: idToken, state: auth.state }).toString(),
    });
    const html = await res.text();
    const json = /<script type="application\/json" id="atomic-guide-launch">([\s\S]*?)<\/script>/.exec(html)?.[1];
    if (res.status !== 200 || !json) {
      tally.launches.failed++;
      return undefined;
    }
    tally.launches.ok++;
    return { sub, token: (JSON.parse(json) as { apiToken: string }).apiToken };
  }

  const api = (learner: Learner, path: string, init: RequestInit = {}) =>
    system.fetch(path, {
      ...init,
      headers: { Authorization: `Bearer ${learner.token}`, "Content-Type": "application/json", ...init.headers },
    });

  async function sendSignals(learner: Learner, round: number) {
    const at = new Date().toISOString();
    const res = await api(learner, "/api/cognitive/signals", {
      method: "POST",
      body: JSON.stringify({
        signals: [
          { type: "idle", at, durationMs: 45_000, elementId: `q${round}` },
          { type: "answer_change", at, elementId: `q${round}` },
          { type: "quiz_attempt", at, elementId: `q${round}`, correct: round % 2 === 0 },
        ],
      }),
    });
    const answer = (await res.json()) as { accepted?: number };
    if (res.status === 202 && typeof answer.accepted === "number") {
      tally.signalRequests.ok++;
      tally.signalsAccepted += answer.accepted;
    } else tally.signalRequests.failed++;
  }

  async function sendMessage(learner: Learner, round: number) {
    const res = await api(learner, "/api/chat/message", {
      method: "POST",
      body: JSON.stringify({
        message: `Round ${round}: why does photosynthesis need light?`,
        ...(learner.conversationId ? { conversationId: learner.conversationId } : {}),
      }),
    });
    const answer = (await res.json()) as { conversationId?: string; messageId?: string };
    if (res.status === 200 && answer.conversationId && answer.messageId) {
      tally.chatRequests.ok++;
      tally.messagesSent++;
      learner.conversationId = answer.conversationId;
      tally.assistantMessageIds.push(answer.messageId);
    } else tally.chatRequests.failed++;
  }

  async function readSessions(learner: Learner) {
    const res = await api(learner, "/api/learners/me/sessions");
    await res.arrayBuffer();
    if (res.status !== 200) tally.reads.failed++;
    else if (res.headers.get("X-Atomic-Degraded") === "read-only") tally.reads.degraded++;
    else tally.reads.fresh++;
  }

  async function round(learners: Learner[], n: number) {
    await Promise.all(learners.map(async (l) => Promise.all([sendSignals(l, n), sendMessage(l, n)])));
  }

  async function d1Counts() {
    const chat = await system.db("chat");
    const sd = await system.db("struggle-detector");
    const messages = await chat
      .prepare(
        "SELECT COUNT(*) AS total, COUNT(DISTINCT message_id) AS distinct_ids, SUM(role = 'user') AS user_rows FROM messages WHERE tenant_id = ?",
      )
      .bind(tenantId)
      .first<{ total: number; distinct_ids: number; user_rows: number | null }>();
    const signals = await sd
      .prepare("SELECT COALESCE(SUM(signal_count), 0) AS signals FROM learning_sessions WHERE tenant_id = ?")
      .bind(tenantId)
      .first<{ signals: number }>();
    const events = await sd
      .prepare(
        "SELECT COUNT(*) AS total, COUNT(DISTINCT event_id) AS distinct_ids FROM struggle_events WHERE tenant_id = ?",
      )
      .bind(tenantId)
      .first<{ total: number; distinct_ids: number }>();
    return {
      messages: messages?.total ?? 0,
      distinctMessages: messages?.distinct_ids ?? 0,
      userMessages: messages?.user_rows ?? 0,
      sessionSignals: signals?.signals ?? 0,
      struggleEvents: events?.total ?? 0,
      distinctStruggleEvents: events?.distinct_ids ?? 0,
    };
  }

  /** Struggle events as the learners' Durable Objects know them (the source of truth), via the export. */
  async function exportedStruggleEventIds(learners: Learner[]): Promise<string[]> {
    const ids = new Set<string>();
    const walk = (node: unknown, underEvents: boolean) => {
      if (Array.isArray(node)) for (const item of node) walk(item, underEvents);
      else if (node && typeof node === "object") {
        const record = node as Record<string, unknown>;
        if (underEvents && typeof record.event_id === "string") ids.add(record.event_id);
        for (const [key, value] of Object.entries(record)) walk(value, key === "struggleEvents");
      }
    };
    for (const learner of learners) {
      const res = await api(learner, "/api/learners/me/export");
      expect(res.status).toBe(200);
      walk(await res.json(), false);
    }
    return [...ids];
  }

  it("keeps serving through the outage and ends with every write in D1 exactly once", async () => {
    const learners: Learner[] = [];
    for (let i = 0; i < LEARNERS; i++) {
      const learner = await launch(`chaos-learner-${i}`);
      if (learner) learners.push(learner);
    }
    expect(learners).toHaveLength(LEARNERS);

    let n = 0;
    for (let r = 0; r < ROUNDS_BEFORE; r++) await round(learners, ++n);
    for (const l of learners) await readSessions(l);
    expect(tally.reads.fresh).toBe(LEARNERS);

    const sentBeforeOutage = { messages: tally.messagesSent, signals: tally.signalsAccepted };
    await setD1("down");
    for (let r = 0; r < ROUNDS_DURING; r++) {
      await round(learners, ++n);
      for (const l of learners) await readSessions(l);
    }
    const lateLearner = await launch("chaos-learner-late");
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
    const inD1DuringOutage = await d1Counts();
    await setD1("up");

    // Breakers stay open for their cooldown, then half-open probes (health checks and real
    // reads) close them: wait until /health is ok again before the last round.
    const recoveryDeadline = Date.now() + REPLAY_DEADLINE_MS;
    let recovered = "degraded";
    while (recovered !== "ok" && Date.now() < recoveryDeadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const probe = await api(learners[0] as Learner, "/api/learners/me/sessions");
      await probe.arrayBuffer();
      recovered = ((await (await system.fetch("/health")).json()) as { status: string }).status;
    }
    tally.healthAfterOutage = recovered;

    for (let r = 0; r < ROUNDS_AFTER; r++) await round(learners, ++n);

    const exportedEvents = await exportedStruggleEventIds(learners);
    expect(exportedEvents.length).toBeGreaterThan(0);

    // Replays run from the Durable Objects' alarms with backoff; wait until D1 has caught up.
    const deadline = Date.now() + REPLAY_DEADLINE_MS;
    let counts = await d1Counts();
    while (
      Date.now() < deadline &&
      (counts.userMessages < tally.messagesSent ||
        counts.sessionSignals < tally.signalsAccepted ||
        counts.struggleEvents < exportedEvents.length)
    ) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      counts = await d1Counts();
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
    const sd = await system.db("struggle-detector");
    for (const id of exportedEvents) {
      const rows = await sd
        .prepare("SELECT COUNT(*) AS n FROM struggle_events WHERE tenant_id = ? AND event_id = ?")
        .bind(tenantId, id)
        .first<{ n: number }>();
      expect(rows?.n, `struggle event ${id}`).toBe(1);
    }
    const chat = await system.db("chat");
    for (const id of tally.assistantMessageIds) {
      const rows = await chat
        .prepare("SELECT COUNT(*) AS n FROM messages WHERE tenant_id = ? AND message_id = ?")
        .bind(tenantId, id)
        .first<{ n: number }>();
      expect(rows?.n, `assistant message ${id}`).toBe(1);
    }
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
