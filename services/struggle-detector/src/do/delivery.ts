import { type AuthContext, type ChatRpc, errorFields, featureOn, nowIso, type RpcBinding } from "@atomic-guide/shared";
import { pinnedBinding } from "@atomic-guide/shared/rpc/version-pins";
import { withTimeout } from "@atomic-guide/shared/timeout";
import * as statements from "../db/statements";
import { chatFallback, messageFor, type Plan } from "../interventions/policy";
import { queueEvent } from "./analytics-queue";
import { enqueueD1, learnerDb, learnerOf } from "./d1-sync";
import type { InterventionRow } from "./local-store";
import { chatProfile } from "./profile";
import type { LearnerRuntime } from "./runtime";
import { broadcast, hasOpenSockets } from "./sockets";

/** Chat gets this long to write an offer; after that the learner gets a fallback that needs no chat. */
const CHAT_TIMEOUT_MS = 3_000;

/** The intervention as the learner's client sees it (HTTP response, WebSocket push, history). */
export function publicIntervention(row: InterventionRow) {
  return {
    id: row.intervention_id,
    kind: row.kind,
    message: row.message,
    ...(row.element_id ? { elementId: row.element_id } : {}),
    ...(row.suggestion ? { suggestion: { text: row.suggestion, provider: row.provider ?? "unknown" } } : {}),
    sessionId: row.session_id,
    drivers: JSON.parse(row.drivers) as string[],
    createdAt: row.created_at,
    outcome: row.outcome,
    respondedAt: row.responded_at,
  };
}
export type PublicIntervention = ReturnType<typeof publicIntervention>;

/** Asks chat to word a chat offer; undefined when chat is down, slow or says nothing. */
async function chatSuggestion(
  rt: LearnerRuntime,
  auth: AuthContext,
  plan: Plan,
  now: number,
): Promise<{ text: string; provider: string } | undefined> {
  try {
    const chat = pinnedBinding<RpcBinding<ChatRpc>>(rt.env.CHAT, "chat", auth, rt.env.ENVIRONMENT);
    const result = await withTimeout(
      chat.suggest(auth, {
        trigger: plan.trigger ?? "struggle",
        ...(plan.elementId ? { elementId: plan.elementId, pageContext: { elementId: plan.elementId } } : {}),
        learnerProfile: chatProfile(rt.counters, rt.state, nowIso(now)),
      }),
      CHAT_TIMEOUT_MS,
    );
    const text = typeof result?.suggestion === "string" ? result.suggestion.slice(0, 2_000) : "";
    if (!text) throw new Error("empty suggestion");
    return { text, provider: typeof result.provider === "string" ? result.provider.slice(0, 64) : "unknown" };
  } catch (e) {
    rt.log.warn("chat suggestion unavailable; offering a fallback", errorFields(e));
    return undefined;
  }
}

/**
 * Turns a plan into an intervention: worded by chat for a chat offer (or a fallback kind when chat
 * cannot answer), stored, copied to D1 and analytics, and pushed to every open socket.
 */
export async function deliver(
  rt: LearnerRuntime,
  auth: AuthContext,
  sessionId: string,
  planned: Plan,
  now: number,
): Promise<PublicIntervention> {
  // A tenant with chat off is never offered chat: its offer becomes the fallback kind at once.
  const offersChat = planned.kind === "chat_offer" && featureOn(auth, "chat");
  const suggestion = offersChat ? await chatSuggestion(rt, auth, planned, now) : undefined;
  const plan = planned.kind === "chat_offer" && !suggestion ? chatFallback(planned) : planned;
  const row: InterventionRow = {
    intervention_id: crypto.randomUUID(),
    session_id: sessionId,
    kind: plan.kind,
    element_id: plan.elementId ?? null,
    message: messageFor(plan.kind),
    suggestion: suggestion?.text ?? null,
    provider: suggestion?.provider ?? null,
    drivers: JSON.stringify(plan.drivers),
    delivered_via: hasOpenSockets(rt.ctx) ? "websocket" : "http",
    created_at: nowIso(now),
    outcome: null,
    responded_at: null,
  };
  rt.store.insertIntervention(row);
  rt.counters.interventions += 1;
  rt.saveCounters();
  enqueueD1(rt, auth, `intervention:${row.intervention_id}`, [
    statements.insertIntervention(learnerDb(rt, auth), learnerOf(auth), row),
  ]);
  queueEvent(rt, auth, {
    type: "intervention_delivered",
    eventId: row.intervention_id,
    interventionId: row.intervention_id,
    kind: row.kind,
    at: row.created_at,
    ...(row.element_id ? { elementId: row.element_id } : {}),
  });
  const intervention = publicIntervention(row);
  broadcast(rt.ctx, { type: "intervention", intervention });
  return intervention;
}
