import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ensureTenant } from "../../tenants/store";
import { admin } from "./test-admin";

// Each of these makes decodeURIComponent throw: a lone %, a non-hex escape, a cut UTF-8 sequence.
const MALFORMED = ["%", "%zz", "%E0%A4%A", "ok%"];

describe("admin tenant and FAQ routes with malformed % escapes in the path", () => {
  it("answers 400 invalid_path for the tenant id, never 500", async () => {
    for (const bad of MALFORMED) {
      for (const [method, path, body] of [
        ["GET", `/admin/tenants/${bad}/flags`, undefined],
        ["PUT", `/admin/tenants/${bad}/flags`, { chat: false }],
        ["GET", `/admin/tenants/${bad}/faq`, undefined],
        ["POST", `/admin/tenants/${bad}/faq`, { question: "q?", answer: "a." }],
      ] as const) {
        const res = await admin(method, path, body);
        expect(res.status, `${method} ${path}`).toBe(400);
        const { error } = (await res.json()) as { error: { code: string; message: string } };
        expect(error.code).toBe("invalid_path");
      }
    }
  });

  it("answers 400 invalid_path for an FAQ entry id, and changes nothing", async () => {
    await ensureTenant(env, { tenantId: "escape-uni", name: "Escape University" });
    for (const bad of MALFORMED) {
      for (const method of ["PUT", "DELETE"]) {
        const res = await admin(
          method,
          `/admin/tenants/escape-uni/faq/${bad}`,
          method === "PUT" ? { question: "q?", answer: "a." } : undefined,
        );
        expect(res.status, `${method} ${bad}`).toBe(400);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_path");
      }
    }
    const listed = (await (await admin("GET", "/admin/tenants/escape-uni/faq")).json()) as { entries: unknown[] };
    expect(listed.entries).toEqual([]);
  });
});
