// Offboarding while the tenant's writes still wait for D1: signals and a chat turn sent during an
// outage of every D1 live only in the learner's Durable Objects and their outboxes, which D1
// cannot list. Offboarding leaves a mark; each object's next retry wipes it instead of replaying
// its rows, so after D1 recovers and the outboxes flush, D1 holds none of the tenant's rows,
// while the other tenant's rows from the same outage arrive as usual.
import type { AuthContext } from "@atomic-guide/shared";
import { type RunningSystem, startSystem } from "@atomic-guide/testing/system";
import { tenantRowCounts } from "@atomic-guide/testing/tenant-rows";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adminHeaders,
  api,
  eventually,
  type Launched,
  launch,
  signalsEndingNow,
  stopSystem,
  stuckBurst,
} from "../../support/flows";

const GONE = "uni-b";
const STAYS = "uni-a";

const TENANT_TABLES = {
  chat: ["conversations", "messages"],
  "struggle-detector": ["learning_sessions", "struggle_events", "interventions"],
  analytics: ["learning_events"],
} as const;

const rowsOf = (system: RunningSystem, tenantId: string) => tenantRowCounts(system, tenantId, TENANT_TABLES);

/** The learner as the services know them (the token's subject is the namespaced user id). */
function learnerOf(who: Launched): AuthContext {
  const payload = JSON.parse(Buffer.from(who.apiToken.split(".")[1] ?? "", "base64url").toString()) as { sub: string };
  return { tenantId: who.launchJson.tenantId, userId: payload.sub, roles: [], isInstructor: false };
}

/** What the learner's struggle-detector object and their conversation's object still hold. */
async function objectsOf(system: RunningSystem, who: Launched, conversationId: string) {
  const auth = learnerOf(who);
  const detectors = await system.mf.getDurableObjectNamespace("STRUGGLE_DETECTOR", "atomic-guide-struggle-detector");
  const detector = detectors.get(detectors.idFromName(`${auth.tenantId}:${auth.userId}`)) as unknown as {
    exportData(a: AuthContext): Promise<{ sessions: unknown[] }>;
  };
  const conversations = await system.mf.getDurableObjectNamespace("CHAT_CONVERSATIONS", "atomic-guide-chat");
  const conversation = conversations.get(conversations.idFromName(`${auth.tenantId}:${conversationId}`)) as unknown as {
    exportFor(o: { tenantId: string; userId: string }): Promise<{ messages: unknown[] } | null>;
  };
  const owner = { tenantId: auth.tenantId, userId: auth.userId };
  return {
    sessions: (await detector.exportData(auth)).sessions.length,
    messages: (await conversation.exportFor(owner))?.messages.length ?? 0,
  };
}

/** The page's first signal, which opens the session its launch named (a launch alone opens none). */
async function firstSignal(system: RunningSystem, who: Launched): Promise<void> {
  const res = await api(system, who.apiToken, "/api/cognitive/signals", {
    body: { sessionId: who.launchJson.sessionId, signals: signalsEndingNow([{ type: "scroll", depth: 0.1 }]) },
  });
  expect(res.status).toBe(202);
}

async function writeDuringOutage(system: RunningSystem, who: Launched): Promise<string> {
  const signals = await api(system, who.apiToken, "/api/cognitive/signals", { body: { signals: stuckBurst("q-out") } });
  expect(signals.status).toBe(202);
  const chat = await api(system, who.apiToken, "/api/chat/message", { body: { message: "Asked during the outage" } });
  expect(chat.status).toBe(200);
  return ((await chat.json()) as { conversationId: string }).conversationId;
}

const setFaults = (system: RunningSystem, mode: "fail" | "off") =>
  system.fetch("/admin/faults/all", { method: "PUT", headers: adminHeaders, body: JSON.stringify({ mode }) });

describe("offboarding a tenant whose writes still wait for D1", () => {
  let system: RunningSystem;

  beforeAll(async () => {
    system = await startSystem();
  });
  afterAll(() => stopSystem(system));

  it("wipes the waiting rows in the learner's objects: after recovery and the flush, D1 has none of them", async () => {
    const gone = await launch(system, { role: "learner", tenant: GONE, userId: "leaver" });
    const stays = await launch(system, { role: "learner", tenant: STAYS, userId: "stayer" });
    await firstSignal(system, gone);
    await firstSignal(system, stays);
    // The session their first signals opened reached D1 before the outage; only what follows
    // waits in the outboxes.
    const launched = (r: Record<string, number>) =>
      r["struggle-detector.learning_sessions"] === 1 && (r["analytics.learning_events"] ?? 0) > 0;
    const before = await eventually(() => rowsOf(system, GONE), launched, { attempts: 300 });
    expect(launched(before)).toBe(true);

    expect((await setFaults(system, "fail")).status).toBe(200);
    const goneConversation = await writeDuringOutage(system, gone);
    const staysConversation = await writeDuringOutage(system, stays);
    expect(await objectsOf(system, gone, goneConversation)).toEqual({ sessions: 1, messages: 2 });

    // Offboarded while D1 is still down: the services cannot erase D1 yet (the receipt says so).
    const first = await system.fetch(`/admin/tenants/${GONE}/offboard`, {
      method: "POST",
      headers: adminHeaders,
      body: JSON.stringify({ confirm: GONE }),
    });
    expect(first.status).toBe(202);
    expect(((await first.json()) as { status: string }).status).toBe("incomplete");

    expect((await setFaults(system, "off")).status).toBe(200);
    // The other tenant's rows from the same outage arrive: the outboxes have flushed.
    const theirs = await eventually(
      () => rowsOf(system, STAYS),
      (r) => (r["chat.messages"] ?? 0) === 2 && (r["struggle-detector.learning_sessions"] ?? 0) === 1,
      { attempts: 300 },
    );
    expect(theirs).toMatchObject({ "chat.messages": 2, "struggle-detector.learning_sessions": 1 });
    expect(await objectsOf(system, stays, staysConversation)).toEqual({ sessions: 1, messages: 2 });

    // The offboarded tenant's objects wiped themselves at their retry instead of replaying.
    const left = await eventually(
      () => objectsOf(system, gone, goneConversation),
      (o) => o.sessions === 0 && o.messages === 0,
      { attempts: 300 },
    );
    expect(left).toEqual({ sessions: 0, messages: 0 });
    // Nothing written during the outage reached D1: no conversation, struggle or intervention.
    expect(await rowsOf(system, GONE)).toEqual(before);

    // A retried offboarding completes and finds nothing more to erase in D1.
    const again = await system.fetch(`/admin/tenants/${GONE}/offboard`, {
      method: "POST",
      headers: adminHeaders,
      body: JSON.stringify({ confirm: GONE }),
    });
    expect(((await again.json()) as { status: string }).status).toBe("complete");
    expect(await rowsOf(system, GONE)).toEqual({});
  });
});
