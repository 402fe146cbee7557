// The learner's right to see and erase their data, across every service: the export holds what
// struggle-detector, chat and analytics keep about the caller; after DELETE /api/learners/me the
// export is empty, D1 holds nothing of them, and everyone else's data is untouched.
import { type RunningSystem, startSystem } from "@atomic-guide/testing/system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, eventually, type Launched, launch, signalsEndingNow, stopSystem, stuckBurst } from "../../support/flows";

interface Export {
  tenantId: string;
  userId: string;
  services: {
    "lti-gateway": { identity: { userId: string; tenantId: string } };
    chat: { conversations: { conversationId: string; messages?: unknown[] }[] };
    "struggle-detector": {
      sessions: unknown[];
      struggleEvents: unknown[];
      interventions: unknown[];
      recentSignals: unknown[];
    };
    analytics: { learningEvents: unknown[]; rosterEntries: unknown[] };
  };
}

const SECRET_QUESTION = "Is the store like a memory of numbers? (privacy-marker-7f3a)";

async function exportOf(system: RunningSystem, who: Launched): Promise<{ status: number; body: Export }> {
  const res = await api(system, who.apiToken, "/api/learners/me/export");
  return { status: res.status, body: (await res.json()) as Export };
}

/** The D1 tables that hold a learner's rows, per service (from migrations/<service>). */
const LEARNER_TABLES = {
  chat: ["conversations", "messages"],
  "struggle-detector": ["learning_sessions", "struggle_events", "interventions", "learner_profiles"],
  analytics: ["learning_events", "course_roster"],
} as const;

/** Rows naming the user in the services' D1 (tenant uni-a), per table that has any. */
async function d1RowsOf(system: RunningSystem, userId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [service, tables] of Object.entries(LEARNER_TABLES)) {
    const db = await system.db(service as keyof typeof LEARNER_TABLES);
    for (const table of tables) {
      const row = await db
        .prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE tenant_id = ? AND user_id = ?`)
        .bind("uni-a", userId)
        .first<{ n: number }>();
      if (row && row.n > 0) counts[`${service}.${table}`] = row.n;
    }
  }
  return counts;
}

describe("export and erasure across every service", () => {
  let system: RunningSystem;
  let learner: Launched;
  let classmate: Launched;
  let conversationId: string;

  beforeAll(async () => {
    system = await startSystem();
    learner = await launch(system, { role: "learner", userId: "private-learner" });
    classmate = await launch(system, { role: "learner", userId: "classmate" });
    for (const who of [learner, classmate]) {
      const signals = await api(system, who.apiToken, "/api/cognitive/signals", {
        body: { signals: stuckBurst("q-privacy") },
      });
      if (signals.status !== 202) throw new Error(`signals: ${signals.status} ${await signals.text()}`);
    }
    const chat = await api(system, learner.apiToken, "/api/chat/message", { body: { message: SECRET_QUESTION } });
    if (chat.status !== 200) throw new Error(`chat: ${chat.status} ${await chat.text()}`);
    conversationId = ((await chat.json()) as { conversationId: string }).conversationId;
    await api(system, classmate.apiToken, "/api/chat/message", { body: { message: "What is a punched card?" } });
  });
  afterAll(() => stopSystem(system));

  it("the export holds the caller's data from every service, and only the caller's", async () => {
    // Learning events reach analytics in the background; wait for them (bounded).
    const { status, body } = await eventually(
      () => exportOf(system, learner),
      (e) => e.status === 200 && e.body.services.analytics.learningEvents.length > 0,
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ tenantId: "uni-a", userId: "private-learner" });
    expect(body.services["lti-gateway"].identity).toMatchObject({ tenantId: "uni-a", userId: "private-learner" });
    expect(body.services.chat.conversations.map((c) => c.conversationId)).toEqual([conversationId]);
    expect(JSON.stringify(body.services.chat)).toContain(SECRET_QUESTION);
    const sd = body.services["struggle-detector"];
    expect(sd.sessions.length).toBeGreaterThanOrEqual(1);
    expect(sd.struggleEvents.length).toBeGreaterThanOrEqual(1);
    expect(sd.interventions).toHaveLength(1);
    expect(sd.recentSignals).toHaveLength(7);
    expect(body.services.analytics.learningEvents.length).toBeGreaterThan(0);
    const text = JSON.stringify(body);
    expect(text).not.toContain("classmate");
    expect(text).not.toContain("punched card");
  });

  it("the export is a no-store attachment", async () => {
    const res = await api(system, learner.apiToken, "/api/learners/me/export");
    expect(res.headers.get("Content-Disposition")).toMatch(/^attachment/);
    expect(res.headers.get("Cache-Control")).toContain("no-store");
  });

  it("DELETE /api/learners/me erases the caller everywhere; the export is empty afterwards", async () => {
    expect(Object.keys(await d1RowsOf(system, "private-learner")).length).toBeGreaterThan(0);
    const res = await api(system, learner.apiToken, "/api/learners/me", { method: "DELETE" });
    expect(res.status).toBe(202);
    const receipt = (await res.json()) as { status: string; services: Record<string, { status: string }> };
    expect(receipt.status).toBe("complete");
    for (const service of ["lti-gateway", "chat", "struggle-detector", "analytics"]) {
      expect(receipt.services[service]?.status, service).toBe("erased");
    }

    // The erased learner's token is void at once (docs/security.md): what is left is read from
    // the databases themselves; the export after a fresh launch is the last test's.
    const stale = await api(system, learner.apiToken, "/api/learners/me/export");
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as { error: { code: string } }).error.code).toBe("token_revoked");
    // The durable copies too, not only what the export shows.
    expect(
      await eventually(
        () => d1RowsOf(system, "private-learner"),
        (rows) => Object.keys(rows).length === 0,
      ),
    ).toEqual({});
  });

  it("erasing one learner leaves the classmate's data in every service", async () => {
    const { status, body } = await exportOf(system, classmate);
    expect(status).toBe(200);
    expect(body.services.chat.conversations).toHaveLength(1);
    expect(body.services["struggle-detector"].recentSignals).toHaveLength(7);
    expect(body.services["struggle-detector"].interventions).toHaveLength(1);
    expect(Object.keys(await d1RowsOf(system, "classmate")).length).toBeGreaterThan(0);
  });

  it("signals after the erasure start a fresh history, not the erased one", async () => {
    // A relaunch: a token minted in the erasure's own second is refused too (whole-second iat),
    // so it waits for the next second, a fixed boundary of the token format.
    await new Promise((resolve) => setTimeout(resolve, 1001 - (Date.now() % 1000)));
    learner = await launch(system, { role: "learner", userId: "private-learner" });
    const res = await api(system, learner.apiToken, "/api/cognitive/signals", {
      body: { signals: signalsEndingNow([{ type: "hover", elementId: "after-erasure", durationMs: 900 }]) },
    });
    expect(res.status).toBe(202);
    const { body } = await exportOf(system, learner);
    const sd = body.services["struggle-detector"];
    expect(sd.struggleEvents).toEqual([]);
    expect(sd.interventions).toEqual([]);
    expect(sd.recentSignals).toHaveLength(1);
  });
});
