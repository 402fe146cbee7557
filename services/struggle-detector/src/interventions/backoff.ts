import type { InterventionKind } from "@atomic-guide/shared/interventions";

/**
 * A kind the learner dismissed waits before it is offered again: the cooldown doubled for each
 * dismissal in a row (at most a day), so a learner who keeps waving hints away stops seeing
 * hints while other kinds are still offered. Accepting or rating it helpful clears it.
 */
export type Dismissals = Partial<Record<InterventionKind, { count: number; lastAt: number }>>;

const MAX_BACKOFF_MS = 86_400_000;

export function noteResponse(d: Dismissals, kind: InterventionKind, action: string, nowMs: number): Dismissals {
  if (action === "dismissed") return { ...d, [kind]: { count: (d[kind]?.count ?? 0) + 1, lastAt: nowMs } };
  if (action === "accepted" || action === "helpful") {
    const { [kind]: _cleared, ...rest } = d;
    return rest;
  }
  return d;
}

export function backedOff(d: Dismissals, nowMs: number, cooldownMs: number): Set<InterventionKind> {
  const out = new Set<InterventionKind>();
  for (const [kind, v] of Object.entries(d) as [InterventionKind, { count: number; lastAt: number }][]) {
    const wait = Math.min(MAX_BACKOFF_MS, Math.max(cooldownMs, 60_000) * 2 ** v.count);
    if (nowMs < v.lastAt + wait) out.add(kind);
  }
  return out;
}
