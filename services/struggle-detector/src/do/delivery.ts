import type { InterventionRow } from "./local-store";

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

export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("timed out")), ms);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
