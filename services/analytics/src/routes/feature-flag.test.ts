import { exports } from "cloudflare:workers";
import { encodeAuthContext, FLAGS_HEADER } from "@atomic-guide/shared";
import { describe, expect, it } from "vitest";

const auth = encodeAuthContext({
  tenantId: "flag-uni",
  userId: "user-1",
  roles: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"],
  isInstructor: true,
  contextId: "course-1",
});
const ALL_ON = { chat: true, struggleDetection: true, analytics: true, aiProvider: "offline", insightMinGroupSize: 0 };
const flags = (on: boolean) => JSON.stringify({ ...ALL_ON, analytics: on });

function call(flagOn: boolean) {
  return exports.default.fetch(
    new Request("http://analytics/api/analytics/overview", {
      method: "GET",
      headers: { "X-Atomic-Auth": auth, [FLAGS_HEADER]: flags(flagOn), "Content-Type": "application/json" },
    }),
  );
}

describe("the tenant's analytics flag, enforced by analytics itself", () => {
  it("refuses a forwarded request with 403 feature_disabled when the flag is off", async () => {
    const res = await call(false);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("feature_disabled");
  });

  it("serves the same request when the flag is on", async () => {
    const res = await call(true);
    expect(res.status).toBeLessThan(300);
  });

  it("refuses unreadable flags with 400 rather than guessing", async () => {
    const res = await exports.default.fetch(
      new Request("http://analytics/api/analytics/overview", {
        method: "GET",
        headers: { "X-Atomic-Auth": auth, [FLAGS_HEADER]: "{not json" },
      }),
    );
    expect(res.status).toBe(400);
  });
});
