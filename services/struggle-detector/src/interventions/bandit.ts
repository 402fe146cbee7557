import type { InterventionKind } from "@atomic-guide/shared/interventions";
import type { Driver } from "../detection/detector";

/**
 * Which kind of help to offer, learned per course from how learners rated it: Thompson sampling
 * (Thompson 1933; Chapelle & Li 2011) over helpful / not helpful, with the lead driver as context.
 * Each candidate kind's helpful rate is drawn from Beta(1 + helpful + prior, 1 + not helpful) and
 * the highest draw wins, so a kind rated helpful is chosen more and more often while the others
 * still get an occasional try. The rule-based kind for the driver starts with one helpful vote of
 * prior, so a course without ratings behaves mostly as the rules say.
 */
export interface KindOutcomes {
  helpful: number;
  notHelpful: number;
}
export type CourseOutcomes = Partial<Record<Driver, Partial<Record<InterventionKind, KindOutcomes>>>>;

/** A uniform random number in [0, 1); injectable so tests and simulations are repeatable. */
export type Rng = () => number;

/** Mulberry32: a tiny seeded generator for simulations and tests. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function normal(rng: Rng): number {
  const u = Math.max(rng(), Number.MIN_VALUE);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Gamma(shape, 1) for shape >= 1 (Marsaglia & Tsang 2000); every shape here is at least 1. */
function gamma(shape: number, rng: Rng): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(rng);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = rng();
    if (Math.log(Math.max(u, Number.MIN_VALUE)) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

export function sampleBeta(a: number, b: number, rng: Rng): number {
  const x = gamma(a, rng);
  return x / (x + gamma(b, rng));
}

/**
 * Until a course has this many ratings for a driver, the rules choose: a handful of opinions is
 * noise, and the rules are a sound default (and keep a new course predictable).
 */
export const MIN_RATINGS = 5;

export function ratingsFor(outcomes: CourseOutcomes, driver: Driver): number {
  return Object.values(outcomes[driver] ?? {}).reduce((n, o) => n + (o?.helpful ?? 0) + (o?.notHelpful ?? 0), 0);
}

/** Ratings are counted, but a course's history is capped so old opinions cannot freeze the choice. */
const MAX_COUNT = 1_000;

export function chooseKind(
  driver: Driver,
  candidates: readonly InterventionKind[],
  ruleKind: InterventionKind,
  outcomes: CourseOutcomes,
  rng: Rng,
): InterventionKind | undefined {
  let best: InterventionKind | undefined;
  let bestDraw = -1;
  for (const kind of candidates) {
    const o = outcomes[driver]?.[kind];
    const helpful = Math.min(MAX_COUNT, o?.helpful ?? 0) + (kind === ruleKind ? 1 : 0);
    const draw = sampleBeta(1 + helpful, 1 + Math.min(MAX_COUNT, o?.notHelpful ?? 0), rng);
    if (draw > bestDraw) {
      best = kind;
      bestDraw = draw;
    }
  }
  return best;
}
