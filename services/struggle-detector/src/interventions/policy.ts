import type { DetectorState, Driver } from "../detection/detector";
import type { DetectorConfig } from "../detection/thresholds";

export const INTERVENTION_KINDS = [
  "hint",
  "content_summary",
  "chat_offer",
  "prerequisite_resource",
  "instructor_notified",
] as const;
export type InterventionKind = (typeof INTERVENTION_KINDS)[number];

/** Rate limiting across the learner's whole day, in server time (client clocks cannot be trusted for it). */
export interface DeliveryLedger {
  lastAt: number | null;
  /** UTC day (YYYY-MM-DD) that `count` belongs to. */
  day: string;
  count: number;
}

export const emptyLedger = (): DeliveryLedger => ({ lastAt: null, day: "", count: 0 });

export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export type Gate = { allowed: true } | { allowed: false; reason: "not_struggling" | "cooldown" | "daily_cap" };

export function mayIntervene(
  level: DetectorState["level"],
  ledger: DeliveryLedger,
  nowMs: number,
  c: DetectorConfig,
): Gate {
  if (level !== "struggling") return { allowed: false, reason: "not_struggling" };
  if (ledger.lastAt !== null && nowMs - ledger.lastAt < c.cooldownMs) return { allowed: false, reason: "cooldown" };
  const todays = ledger.day === utcDay(nowMs) ? ledger.count : 0;
  if (todays >= c.dailyCap) return { allowed: false, reason: "daily_cap" };
  return { allowed: true };
}

export function recordDelivery(ledger: DeliveryLedger, nowMs: number): DeliveryLedger {
  const day = utcDay(nowMs);
  return { lastAt: nowMs, day, count: ledger.day === day ? ledger.count + 1 : 1 };
}

export interface Plan {
  kind: InterventionKind;
  /** The chat trigger, when the plan is a chat offer. */
  trigger?: "struggle" | "idle";
  elementId: string | undefined;
  drivers: Driver[];
}

/**
 * Picks the intervention that answers the strongest sign. Help-seeking and idleness are met by a
 * conversation; confusion on one element by a hint there; wandering up and down by a summary;
 * repeated wrong answers by the prerequisite, and once they persist, by a human.
 */
export function planIntervention(state: DetectorState, drivers: Driver[], c: DetectorConfig): Plan {
  const lead = drivers[0] ?? "helpRequest";
  const elementId = state.driverElement[lead];
  const base = { elementId, drivers };
  switch (lead) {
    case "helpRequest":
      return { ...base, kind: "chat_offer", trigger: "struggle" };
    case "idle":
      return { ...base, kind: "chat_offer", trigger: "idle" };
    case "wrongAttempts":
      return {
        ...base,
        kind: state.wrong.count >= c.notifyInstructorAfterWrong ? "instructor_notified" : "prerequisite_resource",
      };
    case "scrollReversal":
      return { ...base, kind: "content_summary" };
    case "answerChanges":
    case "longHover":
    case "slowDwell":
      return { ...base, kind: "hint" };
  }
}

/** What to offer when chat cannot answer: something the learner can act on without it. */
export const chatFallback = (plan: Plan): Plan => ({
  ...plan,
  kind: plan.elementId ? "hint" : "content_summary",
  trigger: undefined,
});

const MESSAGES: Record<InterventionKind, string> = {
  hint: "This step seems to be taking a while. Would a hint for it help?",
  content_summary: "Would a short summary of this section help you find your way?",
  chat_offer: "Want to talk it through? The assistant can help with what you are working on.",
  prerequisite_resource: "These questions build on earlier material. A quick review of it may help.",
  instructor_notified: "Your instructor has been told this part is hard for you, so they can help.",
};

export const messageFor = (kind: InterventionKind) => MESSAGES[kind];
