import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parseJsonc } from "../../../../scripts/ops/jsonc.mjs";
import analyticsConfig from "../../../../services/analytics/wrangler.jsonc?raw";
import chatConfig from "../../../../services/chat/wrangler.jsonc?raw";
import gatewayConfig from "../../../../services/lti-gateway/wrangler.jsonc?raw";
import struggleConfig from "../../../../services/struggle-detector/wrangler.jsonc?raw";
import { breakerFor, breakerSnapshots } from "./breaker";
import { controlD1Faults, FAULTS_KEY, faultsAllowed, readD1Fault, withD1Faults } from "./d1-faults";

const failEverything = JSON.stringify({ mode: "fail" });

describe("fault injection is for development and tests only", () => {
  for (const environment of ["production", "staging", undefined]) {
    it(`leaves D1 untouched with ENVIRONMENT=${environment}`, async () => {
      const deployed = { ...env, ENVIRONMENT: environment };
      await env.SNAPSHOTS.put(`${FAULTS_KEY}:gated`, failEverything);
      expect(faultsAllowed(deployed)).toBe(false);
      const db = withD1Faults(env.DB, deployed, "gated");
      expect(db).toBe(env.DB);
      expect(await db.prepare("SELECT 1 AS ok").first("ok")).toBe(1);
      expect(await readD1Fault(deployed, "gated")).toBeUndefined();
      await expect(controlD1Faults(deployed, "gated", { mode: "fail" })).rejects.toMatchObject({ status: 404 });
    });
  }

  it("fails D1 on command with ENVIRONMENT=test, and stops when turned off", async () => {
    const db = withD1Faults(env.DB, env, "steered");
    expect(await controlD1Faults(env, "steered", { mode: "fail" })).toEqual({
      service: "steered",
      fault: { mode: "fail", delayMs: 0, scope: "all" },
    });
    await expect(db.prepare("SELECT 1").first()).rejects.toThrow(/injected fault/);
    // Another service's D1 is not affected.
    expect(await withD1Faults(env.DB, env, "bystander").prepare("SELECT 1 AS ok").first("ok")).toBe(1);
    expect(await controlD1Faults(env, "steered", { mode: "off" })).toEqual({ service: "steered", fault: null });
    expect(await db.prepare("SELECT 1 AS ok").first("ok")).toBe(1);
  });

  it("closes the service's breakers when the fault is turned off", async () => {
    const breaker = breakerFor("reset-on-off", "DB", { failureThreshold: 1, cooldownMs: 60_000 });
    breaker.recordFailure();
    expect(breakerSnapshots("reset-on-off").map((b) => b.state)).toEqual(["open"]);
    await controlD1Faults(env, "reset-on-off", { mode: "off" });
    expect(breakerFor("reset-on-off").state).toBe("closed");
  });

  it("scopes a fault to writes", async () => {
    const db = withD1Faults(env.DB, env, "writes-only");
    await controlD1Faults(env, "writes-only", { mode: "fail", scope: "writes" });
    expect(await db.prepare("SELECT 1 AS ok").first("ok")).toBe(1);
    await expect(db.prepare("CREATE TABLE never (x)").run()).rejects.toThrow(/injected fault/);
    await controlD1Faults(env, "writes-only", { mode: "off" });
  });

  it("ends a fault with a duration by itself", async () => {
    const state = await controlD1Faults(env, "expiring", { mode: "fail", durationMs: 60_000 });
    expect(state.fault?.until).toBeGreaterThan(Date.now());
    await env.SNAPSHOTS.put(`${FAULTS_KEY}:expiring`, JSON.stringify({ mode: "fail", until: Date.now() - 1 }));
    expect(await readD1Fault(env, "expiring")).toBeUndefined();
  });

  it("rejects malformed commands with a 400 and changes nothing", async () => {
    for (const bad of [
      { mode: "explode" },
      { mode: "slow", delayMs: -1 },
      { mode: "slow", delayMs: 10_000_000 },
      "fail",
      42,
    ]) {
      await expect(controlD1Faults(env, "malformed", bad)).rejects.toMatchObject({
        status: 400,
        code: "invalid_fault",
      });
    }
    expect(await controlD1Faults(env, "malformed")).toEqual({ service: "malformed", fault: null });
  });
});

interface WranglerConfig {
  name: string;
  vars?: Record<string, unknown>;
  env?: Record<string, { vars?: Record<string, unknown> }>;
}

describe("deployed configurations cannot enable fault injection", () => {
  const configs = [gatewayConfig, chatConfig, struggleConfig, analyticsConfig].map(
    (text) => parseJsonc(text) as WranglerConfig,
  );

  it("reads all four services' configurations", () => {
    expect(configs.map((c) => c.name).sort()).toEqual([
      "atomic-guide-analytics",
      "atomic-guide-chat",
      "atomic-guide-lti-gateway",
      "atomic-guide-struggle-detector",
    ]);
  });

  for (const deployed of ["staging", "production"]) {
    it(`${deployed} sets ENVIRONMENT=${deployed} in every service, so faults stay off`, () => {
      for (const config of configs) {
        const vars = config.env?.[deployed]?.vars;
        expect(vars?.ENVIRONMENT, `${config.name} ${deployed}`).toBe(deployed);
        expect(faultsAllowed(vars ?? {})).toBe(false);
      }
    });
  }

  it("only the local (top-level) configuration enables it; no named environment does", () => {
    for (const config of configs) {
      expect(config.vars?.ENVIRONMENT).toBe("development");
      for (const [name, named] of Object.entries(config.env ?? {})) {
        expect(faultsAllowed(named.vars ?? {}), `${config.name} env.${name}`).toBe(false);
      }
    }
  });
});
