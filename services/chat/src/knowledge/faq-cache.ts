import { IsolateCache } from "@atomic-guide/shared/isolate-cache";
import type { FaqEntry } from "./faq";

/**
 * How long an isolate trusts its copy of a course's FAQ. A change made through this isolate
 * drops its copy at once (`invalidateTenant`); other isolates see it within this long, less than
 * the staleness the KV snapshot already accepts (`cacheTtl: 60`).
 */
export const FAQ_CACHE_TTL_MS = 30_000;
/** Courses with more entries than this are searched in D1's FTS5 index on every turn instead. */
export const FAQ_CACHE_MAX_ENTRIES = 200;
/** Courses kept per isolate. */
const MAX_COURSES = 500;

export interface FaqScope {
  tenantId: string;
  /** The tenant's own D1 binding, when it has one: the same tenant id in another database is another FAQ. */
  d1Binding?: string | undefined;
  courseId?: string | undefined;
}

const tenantPrefix = (tenantId: string) => `${tenantId}\u0000`;
const databasePrefix = (s: FaqScope) => `${tenantPrefix(s.tenantId)}${s.d1Binding ?? "DB"}\u0000`;
const keyOf = (s: FaqScope) => `${databasePrefix(s)}${s.courseId ?? ""}`;

/**
 * One course's FAQ entries (its own and the tenant-wide ones) per isolate, so a chat turn ranks
 * them in the Worker instead of querying D1 before the model is asked.
 */
export class CourseFaqCache {
  private readonly courses: IsolateCache<readonly FaqEntry[]>;

  constructor(ttlMs = FAQ_CACHE_TTL_MS, now: () => number = Date.now) {
    this.courses = new IsolateCache({ ttlMs, maxKeys: MAX_COURSES, now });
  }

  get(scope: FaqScope): readonly FaqEntry[] | undefined {
    return this.courses.get(keyOf(scope));
  }

  set(scope: FaqScope, entries: readonly FaqEntry[]): void {
    this.courses.set(keyOf(scope), entries);
  }

  /** Every course of the tenant in that database: an entry may be tenant-wide or move between courses. */
  invalidateTenant(scope: Omit<FaqScope, "courseId">): void {
    this.courses.deletePrefix(databasePrefix(scope));
  }

  /** Every course of the tenant in every database (offboarding). */
  forgetTenant(tenantId: string): void {
    this.courses.deletePrefix(tenantPrefix(tenantId));
  }
}

/** This isolate's cache, shared by every request it serves. */
export const courseFaqCache = new CourseFaqCache();
