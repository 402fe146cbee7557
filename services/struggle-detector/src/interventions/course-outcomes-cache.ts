import { IsolateCache } from "@atomic-guide/shared/isolate-cache";
import type { CourseOutcomes } from "./bandit";

/** A course's ratings change slowly; re-read them every five minutes at most. */
export const OUTCOMES_TTL_MS = 5 * 60_000;
/** Courses kept per isolate; the oldest read goes first. */
const MAX_COURSES = 500;

/**
 * Per isolate, shared by every learner object of the course that runs in it: each object used
 * to read the ratings from D1 for its own first offer, so every new learner paid a D1 query; now
 * it is one read per course and database per isolate per TTL, the same staleness each object
 * accepted before. Ratings are only written through the outbox (nothing here to invalidate on
 * write); a failed read is not kept, so the next offer tries again.
 */
export const courseOutcomesCache = (now?: () => number) =>
  new IsolateCache<CourseOutcomes>({ ttlMs: OUTCOMES_TTL_MS, maxKeys: MAX_COURSES, ...(now ? { now } : {}) });
const courses = courseOutcomesCache();

/** Keyed by tenant, database and course: a tenant's own database and another tenant's course never share an entry. */
export const courseKey = (tenantId: string, d1Binding: string | undefined, contextId: string) =>
  JSON.stringify([tenantId, d1Binding ?? null, contextId]);

export const cachedCourseOutcomes = (
  key: string,
  load: () => Promise<CourseOutcomes>,
  cache: IsolateCache<CourseOutcomes> = courses,
): Promise<CourseOutcomes> => cache.getOrLoad(key, load);
