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
const flags = (on: boolean) => JSON.stringify({ ...ALL_ON, chat: on });

function call(flagOn: boolean) {
  return exports.default.fetch(
    new Request("http://chat/api/chat/message", {
      method: "POST",
      headers: { "X-Atomic-Auth": auth, [FLAGS_HEADER]: flags(flagOn), "Content-Type": "application/json" },
      body: JSON.stringify({ message: "hello" }),
    }),
  );
}

describe("the tenant's chat flag, enforced by chat itself", () => {
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
      new Request("http://chat/api/chat/message", {
        method: "POST",
        headers: { "X-Atomic-Auth": auth, [FLAGS_HEADER]: "{not json" },
        body: JSON.stringify({ message: "hello" }),
      }),
    );
    expect(res.status).toBe(400);
  });
});
