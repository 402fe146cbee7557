// Test helpers: a learner's auth context and calls to struggle-detector's HTTP routes as the
// gateway forwards them (X-Atomic-Auth set), with times from the test's own clock.
import type { AuthContext } from "@atomic-guide/shared";
import { learnerAuth } from "@atomic-guide/testing/auth-contexts";
import { callAs } from "@atomic-guide/testing/service-call";

export const learner = (userId: string, tenantId = "acme") => learnerAuth({ tenantId, userId });

export const call = callAs("struggle-detector");

export const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

/** Three wrong answers in a row on one quiz: unmistakably stuck. */
export const stuckBatch = (elementId = "quiz-1", base = -20_000) => ({
  signals: [0, 1, 2].map((i) => ({ type: "quiz_attempt", at: iso(base + i * 2_000), elementId, correct: false })),
});

export interface SignalsReply {
  accepted: number;
  duplicates: number;
  sessionId: string;
  struggle: { score: number; level: string };
  intervention?: { id: string; kind: string; elementId?: string; suggestion?: { text: string } };
}

export async function signals(auth: AuthContext, body: unknown) {
  const res = await call(auth, "POST", "/api/cognitive/signals", body);
  return { status: res.status, body: (await res.json()) as SignalsReply & { error?: { code: string } } };
}
