// The chaos test's learners and its view of D1: launches, signal and chat rounds, reads tallied
// fresh or degraded, and the counts of what reached each service's D1 (read around the injected
// fault) next to what the learners' Durable Objects hold.
import { FAULTS_KEY } from "@atomic-guide/shared/resilience/fault-key";
import type { RunningSystem } from "@atomic-guide/testing/system";
import { expect } from "vitest";
import { ROLE, type SimulatedPlatform } from "../../support/lti-platform";

const SERVICES = ["lti-gateway", "chat", "struggle-detector", "analytics"] as const;
const TARGET = "http://localhost:8787/lti/launch";

export interface Learner {
  sub: string;
  token: string;
  conversationId?: string;
}

export interface Tally {
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

export class ChaosDriver {
  readonly tally: Tally = {
    launches: { ok: 0, failed: 0 },
    signalsAccepted: 0,
    signalRequests: { ok: 0, failed: 0 },
    messagesSent: 0,
    chatRequests: { ok: 0, failed: 0 },
    assistantMessageIds: [],
    reads: { fresh: 0, degraded: 0, failed: 0 },
  };

  constructor(
    private readonly system: RunningSystem,
    private readonly platform: SimulatedPlatform,
    private readonly tenantId: string,
  ) {}

  /** Every service's D1 down (the dev/test fault injection, as PUT /admin/faults sets it) or up. */
  async setD1(state: "down" | "up") {
    for (const service of SERVICES) {
      const kv = await this.system.mf.getKVNamespace("SNAPSHOTS", `atomic-guide-${service}`);
      const key = `${FAULTS_KEY}:${service}`;
      if (state === "down") await kv.put(key, JSON.stringify({ mode: "fail" }));
      else await kv.delete(key);
    }
  }

  async launch(sub: string): Promise<Learner | undefined> {
    const { system, platform, tally } = this;
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

  api(learner: Learner, path: string, init: RequestInit = {}) {
    return this.system.fetch(path, {
      ...init,
      headers: { Authorization: `Bearer ${learner.token}`, "Content-Type": "application/json", ...init.headers },
    });
  }

  async sendSignals(learner: Learner, round: number) {
    const at = new Date().toISOString();
    const res = await this.api(learner, "/api/cognitive/signals", {
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
      this.tally.signalRequests.ok++;
      this.tally.signalsAccepted += answer.accepted;
    } else this.tally.signalRequests.failed++;
  }

  async sendMessage(learner: Learner, round: number) {
    const res = await this.api(learner, "/api/chat/message", {
      method: "POST",
      body: JSON.stringify({
        message: `Round ${round}: why does photosynthesis need light?`,
        ...(learner.conversationId ? { conversationId: learner.conversationId } : {}),
      }),
    });
    const answer = (await res.json()) as { conversationId?: string; messageId?: string };
    if (res.status === 200 && answer.conversationId && answer.messageId) {
      this.tally.chatRequests.ok++;
      this.tally.messagesSent++;
      learner.conversationId = answer.conversationId;
      this.tally.assistantMessageIds.push(answer.messageId);
    } else this.tally.chatRequests.failed++;
  }

  async readSessions(learner: Learner) {
    const res = await this.api(learner, "/api/learners/me/sessions");
    await res.arrayBuffer();
    if (res.status !== 200) this.tally.reads.failed++;
    else if (res.headers.get("X-Atomic-Degraded") === "read-only") this.tally.reads.degraded++;
    else this.tally.reads.fresh++;
  }

  /** Every learner sends a batch of signals and a chat message at once. */
  async round(learners: Learner[], n: number) {
    await Promise.all(learners.map(async (l) => Promise.all([this.sendSignals(l, n), this.sendMessage(l, n)])));
  }

  async d1Counts() {
    const chat = await this.system.db("chat");
    const sd = await this.system.db("struggle-detector");
    const messages = await chat
      .prepare(
        "SELECT COUNT(*) AS total, COUNT(DISTINCT message_id) AS distinct_ids, SUM(role = 'user') AS user_rows FROM messages WHERE tenant_id = ?",
      )
      .bind(this.tenantId)
      .first<{ total: number; distinct_ids: number; user_rows: number | null }>();
    const signals = await sd
      .prepare("SELECT COALESCE(SUM(signal_count), 0) AS signals FROM learning_sessions WHERE tenant_id = ?")
      .bind(this.tenantId)
      .first<{ signals: number }>();
    const events = await sd
      .prepare(
        "SELECT COUNT(*) AS total, COUNT(DISTINCT event_id) AS distinct_ids FROM struggle_events WHERE tenant_id = ?",
      )
      .bind(this.tenantId)
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
  async exportedStruggleEventIds(learners: Learner[]): Promise<string[]> {
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
      const res = await this.api(learner, "/api/learners/me/export");
      expect(res.status).toBe(200);
      walk(await res.json(), false);
    }
    return [...ids];
  }

  /** How many rows with each id: 1 each when nothing was lost or written twice. */
  async rowsPerId(service: "chat" | "struggle-detector", table: "messages" | "struggle_events", ids: string[]) {
    const db = await this.system.db(service);
    const column = table === "messages" ? "message_id" : "event_id";
    const counts: Record<string, number> = {};
    for (const id of ids) {
      const row = await db
        .prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE tenant_id = ? AND ${column} = ?`)
        .bind(this.tenantId, id)
        .first<{ n: number }>();
      counts[id] = row?.n ?? 0;
    }
    return counts;
  }
}
