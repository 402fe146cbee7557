// Reads GET /api/courses/:contextId/insights into what the dashboard draws. The reader accepts
// the field names analytics is likely to use and ignores the rest, so one renamed field costs
// a chart, not the page.
export interface HotSpot {
  elementId: string;
  events: number;
  learners?: number;
  score?: number;
}
export interface DayCount {
  day: string;
  value: number;
}
export interface Outcome {
  label: string;
  value: number;
}
export interface Learner {
  id: string;
  name?: string;
  lastSeen?: string;
}
/** One intervention kind over the window; NaN where analytics withheld the figure. */
export interface KindOutcome {
  kind: string;
  delivered: number;
  accepted: number;
  helpful: number;
  notHelpful: number;
  dismissed: number;
}
/** Counts of NaN are figures analytics withheld (fewer learners than the tenant's minimum group). */
export interface Insight {
  hotSpots: HotSpot[];
  /** Learners active per day. */
  activity: DayCount[];
  chatVolume: DayCount[];
  interventionsDelivered?: number;
  deliveredByKind: Outcome[];
  outcomes: Outcome[];
  /** Per kind: delivered, accepted, rated helpful (empty from an analytics without it). */
  byKind: KindOutcome[];
  activeLearners?: number;
  inactiveCount?: number;
  /** Listed only when the tenant allows naming learners. */
  inactive: Learner[];
  suppressedHotSpots: number;
  minGroupSize: number;
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => !!x && typeof x === "object" && !Array.isArray(x);
const num = (...xs: unknown[]): number | undefined =>
  xs.find((x): x is number => typeof x === "number" && Number.isFinite(x));
const str = (...xs: unknown[]): string | undefined =>
  xs.find((x): x is string => typeof x === "string" && x.length > 0);
const arr = (...xs: unknown[]): Obj[] => (xs.find(Array.isArray) as unknown[] | undefined)?.filter(isObj) ?? [];

function days(list: Obj[], keys: string[]): DayCount[] {
  return list
    .map((d) => ({ day: str(d.day, d.date) ?? "", value: num(...keys.map((k) => d[k])) ?? Number.NaN }))
    .filter((d) => d.day)
    .sort((a, b) => a.day.localeCompare(b.day));
}

export function readInsight(raw: unknown): Insight {
  const o = isObj(raw) ? raw : {};
  const hotSpots = arr(o.hotSpots, o.hotspots)
    .map((s) => {
      const h: HotSpot = {
        elementId: str(s.elementId, s.element, s.id) ?? "unknown",
        events: num(s.events, s.struggleEvents, s.count) ?? 0,
      };
      const learners = num(s.learners, s.learnerCount);
      const score = num(s.avgScore, s.score);
      if (learners !== undefined) h.learners = learners;
      if (score !== undefined) h.score = score;
      return h;
    })
    .sort((a, b) => b.events - a.events);

  const learners = isObj(o.learners) ? o.learners : {};
  const interventions = isObj(o.interventions) ? o.interventions : {};
  // Analytics sends [{action|kind, count, learners}], with count null where a group is too small to show.
  const counted = (list: Obj[], key: string): Outcome[] =>
    list.map((x) => ({ label: str(x[key], x.label) ?? "unknown", value: num(x.count, x.value) ?? Number.NaN }));
  const outcomes = Array.isArray(interventions.outcomes)
    ? counted(arr(interventions.outcomes), "action")
    : Object.entries(isObj(interventions.outcomes) ? interventions.outcomes : {})
        .filter(([, v]) => typeof v === "number")
        .map(([label, v]) => ({ label, value: v as number }));
  const deliveredByKind = counted(arr(interventions.delivered), "kind");
  const figure = (x: unknown) => num(x) ?? Number.NaN;
  const byKind = arr(interventions.byKind).map((k) => ({
    kind: str(k.kind) ?? "unknown",
    delivered: figure(k.delivered),
    accepted: figure(k.accepted),
    helpful: figure(k.helpful),
    notHelpful: figure(k.notHelpful),
    dismissed: figure(k.dismissed),
  }));
  const chat = arr(o.chatVolume);

  const insight: Insight = {
    hotSpots,
    activity: days(arr(o.activity, chat), ["learners", "activeLearners"]),
    chatVolume: days(chat, ["messages", "count"]),
    outcomes,
    deliveredByKind,
    byKind,
    inactive: arr(learners.inactiveLearners, o.inactiveLearners).map((l) => {
      const item: Learner = { id: str(l.userId, l.id) ?? "?" };
      const name = str(l.name);
      const lastSeen = str(l.lastSeen);
      if (name) item.name = name;
      if (lastSeen) item.lastSeen = lastSeen;
      return item;
    }),
    suppressedHotSpots: num(o.suppressedHotSpots) ?? 0,
    minGroupSize: num(o.minGroupSize) ?? 0,
  };
  // An empty list per kind is "none delivered" (0); only a missing one is unknown.
  const delivered =
    num(interventions.delivered) ??
    (Array.isArray(interventions.delivered)
      ? deliveredByKind.reduce((sum, d) => sum + (Number.isNaN(d.value) ? 0 : d.value), 0)
      : undefined);
  if (delivered !== undefined) insight.interventionsDelivered = delivered;
  const active = num(learners.active, o.activeLearners);
  if (active !== undefined) insight.activeLearners = active;
  const inactiveCount = num(learners.inactive);
  insight.inactiveCount = inactiveCount ?? insight.inactive.length;
  return insight;
}

/** The window control's presets, as ISO from/to (to = now). */
export function windowFor(days: number, now = new Date()): { from: string; to: string } {
  return { from: new Date(now.getTime() - days * 86_400_000).toISOString(), to: now.toISOString() };
}

/** "3 of 4 rated (75%)": helpful among those who rated; a dash when nobody did or it is withheld. */
export function helpfulShare(k: Pick<KindOutcome, "helpful" | "notHelpful">): string {
  const rated = k.helpful + k.notHelpful;
  if (!Number.isFinite(rated) || rated === 0) return "—";
  return `${k.helpful} of ${rated} rated (${Math.round((k.helpful / rated) * 100)}%)`;
}
