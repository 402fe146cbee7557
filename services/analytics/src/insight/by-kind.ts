/**
 * Per intervention kind: how often it was delivered in the window, and of the responses given in
 * the window, how many accepted it and how many rated it helpful or not. Which kind works is what
 * an instructor tunes the allowed kinds by (issue 15).
 */
export interface KindOutcome {
  kind: string;
  delivered: number | null;
  /** Learners it was delivered to: what small-group suppression looks at. */
  learners: number | null;
  accepted: number | null;
  dismissed: number | null;
  helpful: number | null;
  notHelpful: number | null;
}

interface DeliveredRow {
  kind: string | null;
  delivered: number | string;
  learners: number | string;
}
interface ResponseRow {
  kind: string | null;
  action: string | null;
  interventions: number | string;
}

const ACTION_FIELD = {
  accepted: "accepted",
  dismissed: "dismissed",
  helpful: "helpful",
  not_helpful: "notHelpful",
} as const;

export function outcomesByKind(delivered: readonly DeliveredRow[], responses: readonly ResponseRow[]): KindOutcome[] {
  const byKind = new Map<string, KindOutcome>();
  const entry = (kind: string) => {
    let found = byKind.get(kind);
    if (!found) {
      found = { kind, delivered: 0, learners: 0, accepted: 0, dismissed: 0, helpful: 0, notHelpful: 0 };
      byKind.set(kind, found);
    }
    return found;
  };
  for (const d of delivered) {
    const e = entry(d.kind ?? "unknown");
    e.delivered = Number(d.delivered);
    e.learners = Number(d.learners);
  }
  for (const r of responses) {
    const field = ACTION_FIELD[r.action as keyof typeof ACTION_FIELD];
    // Responses to deliveries before the window still count for their kind.
    if (field) entry(r.kind ?? "unknown")[field] = Number(r.interventions);
  }
  return [...byKind.values()].sort((a, b) => (b.delivered ?? 0) - (a.delivered ?? 0) || a.kind.localeCompare(b.kind));
}

/** Below the tenant's smallest group, a kind's figures are withheld (its name stays). */
export const suppressKind = (k: KindOutcome, minGroupSize: number): KindOutcome =>
  minGroupSize > 0 && (k.learners === null || k.learners < minGroupSize)
    ? {
        kind: k.kind,
        delivered: null,
        learners: null,
        accepted: null,
        dismissed: null,
        helpful: null,
        notHelpful: null,
      }
    : k;
