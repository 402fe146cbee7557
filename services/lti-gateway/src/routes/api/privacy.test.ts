import { env, exports } from "cloudflare:workers";
import type { AuthContext } from "@atomic-guide/shared";
import { describe, expect, it } from "vitest";
import { bearer, tokenFor } from "../../auth/test-tokens";

interface LearnerDataRpc {
  exportLearner(auth: AuthContext): Promise<unknown>;
  eraseLearner(auth: AuthContext): Promise<unknown>;
}
const SERVICES = {
  chat: env.CHAT as Fetcher & LearnerDataRpc,
  "struggle-detector": env.STRUGGLE_DETECTOR as Fetcher & LearnerDataRpc,
  analytics: env.ANALYTICS as Fetcher & LearnerDataRpc,
};
type Service = keyof typeof SERVICES;
const NAMES = Object.keys(SERVICES) as Service[];

const AUTH: AuthContext = {
  tenantId: "privacy",
  userId: "user-privacy",
  roles: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
  isInstructor: false,
  contextId: "course-privacy",
  name: "Ada Learner",
};

const call = (path: string, init: RequestInit = {}) =>
  exports.default.fetch(new Request(`http://localhost${path}`, init));

/** Which services answer the learner-data RPC right now, asked directly over the same bindings. */
async function answering(op: keyof LearnerDataRpc): Promise<Record<Service, boolean>> {
  const settled = await Promise.allSettled(NAMES.map((s) => SERVICES[s][op](AUTH)));
  return Object.fromEntries(NAMES.map((s, i) => [s, settled[i]?.status === "fulfilled"])) as Record<Service, boolean>;
}

describe("GET /api/learners/me/export", () => {
  it("merges every service's export with what the gateway holds, or refuses with 503 naming who failed", async () => {
    const token = await tokenFor(env, "privacy");
    const ok = await answering("exportLearner");
    const res = await call("/api/learners/me/export", { headers: bearer(token) });
    if (NAMES.every((s) => ok[s])) {
      expect(res.status).toBe(200);
      const doc = (await res.json()) as { tenantId: string; userId: string; services: Record<string, unknown> };
      expect(doc.tenantId).toBe("privacy");
      expect(doc.userId).toBe("user-privacy");
      expect(Object.keys(doc.services).sort()).toEqual(["analytics", "chat", "lti-gateway", "struggle-detector"]);
      expect(doc.services["lti-gateway"]).toMatchObject({
        identity: { userId: "user-privacy", contextId: "course-privacy", name: "Ada Learner" },
      });
    } else {
      expect(res.status).toBe(503);
      expect(res.headers.get("Retry-After")).toBe("30");
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe("export_incomplete");
      for (const s of NAMES) {
        if (ok[s]) expect(error.message).not.toContain(s);
        else expect(error.message).toContain(s);
      }
    }
  });

  it("requires the API token", async () => {
    expect((await call("/api/learners/me/export")).status).toBe(401);
  });
});

describe("DELETE /api/learners/me", () => {
  it("asks every service to erase the caller and answers 202 with a receipt of each outcome", async () => {
    const token = await tokenFor(env, "privacy");
    const res = await call("/api/learners/me", { method: "DELETE", headers: bearer(token) });
    expect(res.status).toBe(202);
    const receipt = (await res.json()) as {
      receiptId: string;
      requestedAt: string;
      status: string;
      services: Record<string, { status: string; deleted?: number }>;
    };
    expect(receipt.receiptId).toMatch(/^[0-9a-f-]{36}$/);
    expect(receipt.requestedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(receipt.services["lti-gateway"]).toEqual({ status: "erased", deleted: 0 });
    // Each service's own outcome: a count when it erased, a failure (to retry) otherwise.
    for (const s of NAMES) {
      const outcome = receipt.services[s];
      if (outcome?.status === "erased") expect(Number.isInteger(outcome.deleted), s).toBe(true);
      else expect(outcome, s).toEqual({ status: "failed" });
    }
    const erasedEverywhere = NAMES.every((s) => receipt.services[s]?.status === "erased");
    expect(receipt.status).toBe(erasedEverywhere ? "complete" : "incomplete");
    // Erasure is idempotent, so the same request can be repeated until every service confirms,
    // with the same token, although that token works for nothing else any more.
    const again = await call("/api/learners/me", { method: "DELETE", headers: bearer(token) });
    expect(again.status).toBe(202);
  });

  it("refuses a body it does not expect before erasing anything", async () => {
    const token = await tokenFor(env, "privacy");
    const res = await call("/api/learners/me", {
      method: "DELETE",
      headers: bearer(token),
      body: '{"userId":"someone-else"}',
    });
    expect(res.status).toBe(400);
    const big = await call("/api/learners/me", {
      method: "DELETE",
      headers: bearer(token),
      body: "x".repeat(300 * 1024),
    });
    expect(big.status).toBe(413);
  });

  it("requires the API token, and GET on the same path is no route", async () => {
    expect((await call("/api/learners/me", { method: "DELETE" })).status).toBe(401);
    // A learner no earlier test erased: a token issued in the same second as an erasure is
    // refused on purpose (the token's iat has whole seconds), which is not what this test is about.
    const token = await tokenFor(env, "privacy", { userId: "never-erased" });
    expect((await call("/api/learners/me", { headers: bearer(token) })).status).toBe(404);
  });
});
