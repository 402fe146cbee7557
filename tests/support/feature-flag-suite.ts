// Runs inside workerd, in each service's own tests: the service itself refuses a forwarded
// request whose tenant has the service's feature flag off (defence in depth behind the gateway).
import { exports } from "cloudflare:workers";
import { encodeAuthContext, type FeatureFlag, FLAGS_HEADER } from "@atomic-guide/shared";
import { describe, expect, it } from "vitest";

export interface FeatureFlagCase {
  service: string;
  flag: FeatureFlag;
  method: string;
  path: string;
  /** Built per call, so times inside it come from the test's clock, not a fixed date. */
  body?: () => unknown;
}

const auth = encodeAuthContext({
  tenantId: "flag-uni",
  userId: "user-1",
  roles: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"],
  isInstructor: true,
  contextId: "course-1",
});
const ALL_ON = { chat: true, struggleDetection: true, analytics: true, aiProvider: "offline", insightMinGroupSize: 0 };

export function describeFeatureFlag(c: FeatureFlagCase): void {
  const call = (flags: string) =>
    exports.default.fetch(
      new Request(`http://${c.service}${c.path}`, {
        method: c.method,
        headers: { "X-Atomic-Auth": auth, [FLAGS_HEADER]: flags, "Content-Type": "application/json" },
        ...(c.body === undefined ? {} : { body: JSON.stringify(c.body()) }),
      }),
    );

  describe(`the tenant's ${c.flag} flag, enforced by ${c.service} itself`, () => {
    it("refuses a forwarded request with 403 feature_disabled when the flag is off", async () => {
      const res = await call(JSON.stringify({ ...ALL_ON, [c.flag]: false }));
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("feature_disabled");
    });

    it("serves the same request when the flag is on", async () => {
      expect((await call(JSON.stringify(ALL_ON))).status).toBeLessThan(300);
    });

    it("refuses unreadable flags with 400 rather than guessing", async () => {
      expect((await call("{not json")).status).toBe(400);
    });
  });
}
