import { env, exports } from "cloudflare:workers";
import { type AuthContext, encodeAuthContext } from "@atomic-guide/shared";
import { describe, expect, it } from "vitest";

const learner: AuthContext = {
  tenantId: "escape-acme",
  userId: "learner-escape",
  roles: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
  isInstructor: false,
  contextId: "course-1",
};

describe("struggle-detector routes with malformed % escapes in the path", () => {
  it("answers 400 invalid_path, never 500, and records nothing", async () => {
    for (const bad of ["%", "%zz", "%E0%A4%A", "x%"]) {
      const res = await exports.default.fetch(
        new Request(`http://struggle-detector/api/interventions/${bad}/respond`, {
          method: "POST",
          headers: { "X-Atomic-Auth": encodeAuthContext(learner), "Content-Type": "application/json" },
          body: JSON.stringify({ action: "dismissed" }),
        }),
      );
      expect(res.status, bad).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe("invalid_path");
    }
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM interventions WHERE tenant_id = ?")
      .bind(learner.tenantId)
      .first<{ n: number }>();
    expect(rows?.n).toBe(0);
  });
});
