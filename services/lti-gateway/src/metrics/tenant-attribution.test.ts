import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { encodeAuthContext } from "@atomic-guide/shared";
import type { MetricsSink } from "@atomic-guide/shared/metrics/recorder";
import type { MetricsBatch } from "@atomic-guide/shared/metrics/schema";
import { describe, expect, it } from "vitest";
import { bearer, tokenFor } from "../auth/test-tokens";
import worker from "../index";

/** Sends one request through the gateway's entry point and returns the request samples it reported. */
async function samplesOf(request: Request) {
  const batches: MetricsBatch[] = [];
  // Passes every batch on to the real analytics; only watches what the gateway reported.
  const observed = {
    ...env,
    ANALYTICS: Object.assign(Object.create(env.ANALYTICS), {
      recordMetrics: async (batch: MetricsBatch) => {
        batches.push(batch);
        return (env.ANALYTICS as unknown as MetricsSink).recordMetrics(batch);
      },
    }),
  } as Env;
  const ctx = createExecutionContext();
  const res = await worker.fetch(request as Parameters<typeof worker.fetch>[0], observed, ctx);
  await waitOnExecutionContext(ctx);
  return { res, samples: batches.flatMap((b) => b.samples).filter((s) => s.kind === "request") };
}

const forged = encodeAuthContext({ tenantId: "victim-tenant", userId: "u", roles: [], isInstructor: false });

describe("gateway request metrics name a tenant only after verifying it", () => {
  it("ignores a client-sent X-Atomic-Auth on an unauthenticated request", async () => {
    const { res, samples } = await samplesOf(
      new Request("http://localhost/api/learners/me/profile", { headers: { "X-Atomic-Auth": forged } }),
    );
    expect(res.status).toBe(401);
    expect(samples.length).toBeGreaterThan(0);
    for (const s of samples) expect(s.tenantId).toBeUndefined();
  });

  it("ignores it on anonymous routes too (an invented tenant never reaches the rollups)", async () => {
    const invented = encodeAuthContext({ tenantId: "made-up-1", userId: "u", roles: [], isInstructor: false });
    const { samples } = await samplesOf(
      new Request("http://localhost/no/such/route", { headers: { "X-Atomic-Auth": invented } }),
    );
    expect(samples.length).toBeGreaterThan(0);
    for (const s of samples) expect(s.tenantId).toBeUndefined();
  });

  it("names the tenant of a verified API token, not the header's", async () => {
    const token = await tokenFor(env, "metrics-acme");
    const { res, samples } = await samplesOf(
      new Request("http://localhost/api/learners/me/profile", {
        headers: { ...bearer(token), "X-Atomic-Auth": forged },
      }),
    );
    expect(res.status).toBe(200);
    expect(samples.map((s) => s.tenantId)).toContain("metrics-acme");
    expect(samples.map((s) => s.tenantId)).not.toContain("victim-tenant");
  });
});
