import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  CONFIG_TTL_MS,
  detectorConfigCache,
  detectorConfigFor,
  forgetCourseConfig,
  forgetTenantConfig,
} from "./config-cache";
import { tenantConfigKey } from "./thresholds";

/** A cache on the test's own clock, moved by hand. */
function clockedCache() {
  const clock = { now: Date.now() };
  return { clock, cache: detectorConfigCache(() => clock.now) };
}

const setThreshold = (tenantId: string, wrongAnswers: number) =>
  env.TENANT_CONFIG.put(tenantConfigKey(tenantId), JSON.stringify({ wrongAnswers }));

describe("a course's detector config, kept per isolate", () => {
  it("is read from KV once per TTL for every learner of the course, and again after it", async () => {
    const tenantId = `t-${crypto.randomUUID()}`;
    const { clock, cache } = clockedCache();
    const read = () => detectorConfigFor(env.TENANT_CONFIG, tenantId, "course-1", () => {}, cache);
    await setThreshold(tenantId, 4);
    expect((await read()).wrongAnswers).toBe(4);
    await setThreshold(tenantId, 6);
    clock.now += CONFIG_TTL_MS - 1;
    expect((await read()).wrongAnswers).toBe(4);
    clock.now += 1;
    expect((await read()).wrongAnswers).toBe(6);
  });

  it("keeps courses and tenants apart, and forgets a course or a whole tenant when this isolate changes them", async () => {
    const tenantId = `t-${crypto.randomUUID()}`;
    const longerName = `${tenantId}x`;
    const { cache } = clockedCache();
    const read = (tenant: string, course: string | undefined) =>
      detectorConfigFor(env.TENANT_CONFIG, tenant, course, () => {}, cache);
    await setThreshold(tenantId, 4);
    await setThreshold(longerName, 7);
    expect((await read(tenantId, "course-1")).wrongAnswers).toBe(4);
    expect((await read(tenantId, "course-2")).wrongAnswers).toBe(4);
    expect((await read(tenantId, undefined)).wrongAnswers).toBe(4);
    expect((await read(longerName, "course-1")).wrongAnswers).toBe(7);

    await setThreshold(tenantId, 5);
    forgetCourseConfig(tenantId, "course-1", cache);
    expect((await read(tenantId, "course-1")).wrongAnswers).toBe(5);
    expect((await read(tenantId, "course-2")).wrongAnswers).toBe(4);

    await setThreshold(tenantId, 8);
    await setThreshold(longerName, 9);
    forgetTenantConfig(tenantId, cache);
    expect((await read(tenantId, "course-2")).wrongAnswers).toBe(8);
    expect((await read(tenantId, undefined)).wrongAnswers).toBe(8);
    expect((await read(longerName, "course-1")).wrongAnswers).toBe(7);
  });

  it("reports a rejected override and answers the defaults", async () => {
    const tenantId = `t-${crypto.randomUUID()}`;
    await env.TENANT_CONFIG.put(tenantConfigKey(tenantId), JSON.stringify({ wrongAnswers: "many" }));
    const reasons: string[] = [];
    const config = await detectorConfigFor(
      env.TENANT_CONFIG,
      tenantId,
      undefined,
      (r) => reasons.push(r),
      clockedCache().cache,
    );
    expect(reasons).toHaveLength(1);
    expect(config.wrongAnswers).toBe(
      (
        await detectorConfigFor(
          env.TENANT_CONFIG,
          `t-${crypto.randomUUID()}`,
          undefined,
          () => {},
          clockedCache().cache,
        )
      ).wrongAnswers,
    );
  });
});
