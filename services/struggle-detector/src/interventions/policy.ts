import type { InterventionKind } from "@atomic-guide/shared/interventions";
import type { DetectorState, Driver } from "../detection/detector";
import type { DetectorConfig } from "../detection/thresholds";
import { type CourseOutcomes, chooseKind, MIN_RATINGS, type Rng, ratingsFor } from "./bandit";

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

/** The kind that answers a driver: a conversation, a hint on the element, a summary, or the basics. */
function kindFor(lead: Driver, state: DetectorState, c: DetectorConfig): Pick<Plan, "kind" | "trigger"> {
  switch (lead) {
    case "helpRequest":
      return { kind: "chat_offer", trigger: "struggle" };
    case "idle":
      return { kind: "chat_offer", trigger: "idle" };
    case "wrongAnswers":
    case "wheelSpinning":
    case "lowMastery":
      return {
        kind: state.item.attempts >= c.notifyInstructorAfterWrong ? "instructor_notified" : "prerequisite_resource",
      };
    case "rereading":
      return { kind: "content_summary" };
    case "answerChanges":
    case "rapidGuessing":
    case "slowDwell":
      return { kind: "hint" };
  }
}

/** What to offer when chat cannot answer or the learner is already chatting: something usable without it. */
export const chatFallback = (plan: Plan): Plan => ({
  ...plan,
  kind: plan.elementId ? "hint" : "content_summary",
  trigger: undefined,
});

/** Kinds tried, in order, when the chosen one is not allowed in the course. */
const FALLBACK_ORDER: readonly InterventionKind[] = ["hint", "content_summary", "prerequisite_resource", "chat_offer"];

/** The kinds that can answer each driver, the rule's own first. */
const CANDIDATES: Record<Driver, readonly InterventionKind[]> = {
  helpRequest: ["chat_offer", "hint", "content_summary"],
  idle: ["chat_offer", "hint", "content_summary"],
  answerChanges: ["hint", "content_summary", "chat_offer"],
  rapidGuessing: ["hint", "content_summary", "chat_offer"],
  slowDwell: ["hint", "content_summary", "chat_offer"],
  rereading: ["content_summary", "hint", "chat_offer"],
  wrongAnswers: ["prerequisite_resource", "hint", "chat_offer"],
  wheelSpinning: ["prerequisite_resource", "hint", "chat_offer"],
  lowMastery: ["prerequisite_resource", "hint", "chat_offer"],
};

/** What the choice may learn from: the course's ratings so far, the learner's dismissals, a random source. */
export interface KindChoice {
  outcomes: CourseOutcomes;
  backedOff: ReadonlySet<InterventionKind>;
  rng: Rng;
}

/**
 * Picks the intervention that answers the strongest sign. Help-seeking and idleness are met by a
 * conversation (unless the learner is already chatting); confusion on one element by a hint there;
 * wandering back and forth by a summary; repeated wrong answers by the prerequisite, and once they
 * persist, by a human. With `choice`, the kind among the driver's candidates is learned per course
 * (bandit.ts) and kinds the learner keeps dismissing back off (backoff.ts). Only kinds the course
 * allows; undefined when none is left.
 */
export function planIntervention(
  state: DetectorState,
  drivers: Driver[],
  c: DetectorConfig,
  nowMs: number,
  choice?: KindChoice,
): Plan | undefined {
  const lead = drivers[0] ?? "helpRequest";
  const chatting = state.chattingUntil !== null && nowMs < state.chattingUntil;
  const rule = kindFor(lead, state, c);
  const allowed = new Set<InterventionKind>(c.allowedInterventions);
  const usable = (k: InterventionKind) =>
    allowed.has(k) && !(k === "chat_offer" && chatting) && !choice?.backedOff.has(k);
  const base = { elementId: state.driverElement[lead], drivers };
  if (rule.kind === "instructor_notified" && usable(rule.kind)) return { ...base, ...rule };
  const ruleKind = rule.kind === "chat_offer" && chatting ? chatFallback({ ...base, ...rule }).kind : rule.kind;
  let kind: InterventionKind | undefined;
  if (choice && ratingsFor(choice.outcomes, lead) >= MIN_RATINGS)
    kind = chooseKind(lead, CANDIDATES[lead].filter(usable), ruleKind, choice.outcomes, choice.rng);
  kind ??= usable(ruleKind) ? ruleKind : FALLBACK_ORDER.find(usable);
  if (!kind) return undefined;
  const trigger = kind === "chat_offer" ? (rule.trigger ?? "struggle") : undefined;
  return { ...base, kind, trigger };
}

const MESSAGES: Record<InterventionKind, string> = {
  hint: "This step seems to be taking a while. Would a hint for it help?",
  content_summary: "Would a short summary of this section help you find your way?",
  chat_offer: "Want to talk it through? The assistant can help with what you are working on.",
  prerequisite_resource: "These questions build on earlier material. A quick review of it may help.",
  instructor_notified:
    "This part seems hard. Would you like your instructor to know, so they can help? They will see your name and which part it is.",
};

export const messageFor = (kind: InterventionKind) => MESSAGES[kind];
