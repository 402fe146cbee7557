import { describe, expect, it } from "vitest";
import type { CourseOutcomes } from "./bandit";
import { cachedCourseOutcomes, courseKey, courseOutcomesCache, OUTCOMES_TTL_MS } from "./course-outcomes-cache";

/** A cache on the test's own clock, moved by hand. */
function clockedCache() {
  const clock = { now: Date.now() };
  return { clock, cache: courseOutcomesCache(() => clock.now) };
}

/** A loader that answers `helpful` ratings of hints for re-reading and counts its D1 reads. */
function ratings(helpful: number) {
  const loader = {
    reads: 0,
    load: async (): Promise<CourseOutcomes> => {
      loader.reads += 1;
      return { rereading: { hint: { helpful, notHelpful: 0 } } };
    },
  };
  return loader;
}

describe("a course's ratings, kept per isolate", () => {
  it("are read once per TTL for every learner of the course, and read again after it", async () => {
    const key = courseKey(`t-${crypto.randomUUID()}`, undefined, "course-1");
    const { clock, cache } = clockedCache();
    const t0 = clock.now;
    const before = ratings(1);
    expect(await cachedCourseOutcomes(key, before.load, cache)).toEqual({
      rereading: { hint: { helpful: 1, notHelpful: 0 } },
    });
    clock.now = t0 + OUTCOMES_TTL_MS - 1;
    expect(await cachedCourseOutcomes(key, before.load, cache)).toEqual({
      rereading: { hint: { helpful: 1, notHelpful: 0 } },
    });
    expect(before.reads).toBe(1);

    const after = ratings(7);
    clock.now = t0 + OUTCOMES_TTL_MS;
    expect(await cachedCourseOutcomes(key, after.load, cache)).toEqual({
      rereading: { hint: { helpful: 7, notHelpful: 0 } },
    });
    expect(after.reads).toBe(1);
  });

  it("are never shared across tenants, a tenant's databases or courses", async () => {
    const tenant = `t-${crypto.randomUUID()}`;
    const { cache } = clockedCache();
    const shared = ratings(1);
    await cachedCourseOutcomes(courseKey(tenant, undefined, "course-1"), shared.load, cache);
    const own = ratings(2);
    const other = ratings(3);
    const course = ratings(4);
    expect(await cachedCourseOutcomes(courseKey(tenant, "DB_TENANT_X", "course-1"), own.load, cache)).toMatchObject({
      rereading: { hint: { helpful: 2 } },
    });
    expect(
      await cachedCourseOutcomes(courseKey(`${tenant}-b`, undefined, "course-1"), other.load, cache),
    ).toMatchObject({
      rereading: { hint: { helpful: 3 } },
    });
    expect(await cachedCourseOutcomes(courseKey(tenant, undefined, "course-2"), course.load, cache)).toMatchObject({
      rereading: { hint: { helpful: 4 } },
    });
  });

  it("keeps no failed read: the next offer reads again", async () => {
    const key = courseKey(`t-${crypto.randomUUID()}`, undefined, "course-1");
    const { cache } = clockedCache();
    await expect(cachedCourseOutcomes(key, () => Promise.reject(new Error("D1 down")), cache)).rejects.toThrow(
      "D1 down",
    );
    const recovered = ratings(5);
    expect(await cachedCourseOutcomes(key, recovered.load, cache)).toMatchObject({
      rereading: { hint: { helpful: 5 } },
    });
    expect(recovered.reads).toBe(1);
  });
});
