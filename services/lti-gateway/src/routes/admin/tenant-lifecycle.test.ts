import { env, exports } from "cloudflare:workers";
import { BACKEND_SERVICES } from "@atomic-guide/shared";
import { describe, expect, it } from "vitest";
import { bearer, tokenFor } from "../../auth/test-tokens";
import { flagsKey } from "../../flags/store";
import type { OffboardingReceipt } from "../../offboarding/offboard";
import { getTenant } from "../../tenants/store";
import { admin } from "./test-admin";

const api = (token: string, path: string) =>
  exports.default.fetch(new Request(`http://localhost${path}`, { headers: bearer(token) }));

const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

interface TenantRow {
  tenantId: string;
  d1Binding: string | null;
  registrations: number;
  learnerDataRetentionDays: number;
}

async function allTenants(): Promise<TenantRow[]> {
  const rows: TenantRow[] = [];
  let cursor: string | undefined;
  do {
    const res = await admin("GET", `/admin/tenants?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as { tenants: TenantRow[]; cursor?: string };
    expect(page.tenants.length).toBeLessThanOrEqual(2);
    rows.push(...page.tenants);
    cursor = page.cursor;
  } while (cursor);
  return rows;
}

const tokenOf = (tenantId: string) =>
  tokenFor(env, tenantId, { issuer: `https://${tenantId}.example.edu`, clientId: `client-${tenantId}` });

describe("GET /admin/tenants", () => {
  it("needs the operator token", async () => {
    expect((await admin("GET", "/admin/tenants", undefined, null)).status).toBe(401);
    expect((await admin("POST", "/admin/tenants/x/offboard", { confirm: "x" }, "wrong")).status).toBe(401);
  });

  it("pages through tenants with their registration count, database and retention period", async () => {
    await tokenOf("list-a");
    await tokenOf("list-b");
    const rows = await allTenants();
    expect(rows.find((t) => t.tenantId === "list-a")).toMatchObject({
      d1Binding: null,
      registrations: 1,
      learnerDataRetentionDays: 365,
    });
    expect(rows.filter((t) => t.tenantId === "list-b")).toHaveLength(1);
    expect((await admin("GET", "/admin/tenants?limit=0")).status).toBe(400);
    expect((await admin("GET", "/admin/tenants?limit=many")).status).toBe(400);
  });
});

describe("/admin/tenants/:tenantId/retention", () => {
  it("sets the period within bounds; anything else is refused with 400 and changes nothing", async () => {
    await tokenOf("keep-a");
    expect(await (await admin("GET", "/admin/tenants/keep-a/retention")).json()).toEqual({
      tenantId: "keep-a",
      learnerDataRetentionDays: 365,
      isDefault: true,
    });
    for (const body of [
      { learnerDataRetentionDays: 0 },
      { learnerDataRetentionDays: 3651 },
      { learnerDataRetentionDays: "90" },
      { learnerDataRetentionDays: 1.5 },
      { learnerDataRetentionDays: 90, extra: 1 },
      {},
    ]) {
      const res = await admin("PUT", "/admin/tenants/keep-a/retention", body);
      expect(res.status).toBe(400);
    }
    expect((await getTenant(env, "keep-a"))?.learnerDataRetentionDays).toBeUndefined();
    const put = await admin("PUT", "/admin/tenants/keep-a/retention", { learnerDataRetentionDays: 90 });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ tenantId: "keep-a", learnerDataRetentionDays: 90, isDefault: false });
    expect((await getTenant(env, "keep-a"))?.learnerDataRetentionDays).toBe(90);
    expect((await allTenants()).find((t) => t.tenantId === "keep-a")?.learnerDataRetentionDays).toBe(90);
    expect((await admin("PUT", "/admin/tenants/nobody/retention", { learnerDataRetentionDays: 90 })).status).toBe(404);
  });
});

describe("POST /admin/tenants/:tenantId/offboard", () => {
  it("needs the tenant id repeated in the body, and changes nothing otherwise", async () => {
    const token = await tokenOf("typo-a");
    for (const body of [{}, { confirm: "typo-b" }, { confirm: "typo-a", extra: true }, "not json"]) {
      const res = await admin("POST", "/admin/tenants/typo-a/offboard", body);
      expect(res.status).toBe(400);
    }
    expect(await errorCode(await admin("POST", "/admin/tenants/typo-a/offboard", { confirm: "typo-b" }))).toBe(
      "confirmation_mismatch",
    );
    expect((await admin("POST", "/admin/tenants/Not%20A%20Slug/offboard", { confirm: "Not A Slug" })).status).toBe(400);
    expect(await getTenant(env, "typo-a")).not.toBeNull();
    expect((await api(token, "/api/learners/me/profile")).status).not.toBe(401);
  });

  it("erases the tenant in every service and the gateway's KV, stops its tokens, leaves others alone; a repeat finds nothing", async () => {
    const gone = await tokenOf("off-a");
    const stays = await tokenOf("off-b");
    await admin("PUT", "/admin/tenants/off-a/flags", { chat: false });
    expect(await env.FLAGS.get(flagsKey("off-a"))).not.toBeNull();
    expect((await api(gone, "/api/learners/me/profile")).status).toBe(200);

    const res = await admin("POST", "/admin/tenants/off-a/offboard", { confirm: "off-a" });
    expect(res.status).toBe(200);
    const receipt = (await res.json()) as OffboardingReceipt;
    expect(receipt).toMatchObject({ tenantId: "off-a", status: "complete" });
    expect(Date.parse(receipt.at)).not.toBeNaN();
    for (const s of BACKEND_SERVICES) expect(receipt.services[s]?.status).toBe("erased");
    // The registration, the tenant record and the flags at least.
    expect(receipt.kv.keys).toBeGreaterThanOrEqual(3);

    expect(await getTenant(env, "off-a")).toBeNull();
    expect(await env.FLAGS.get(flagsKey("off-a"))).toBeNull();
    const refused = await api(gone, "/api/learners/me/profile");
    expect(refused.status).toBe(401);
    expect((await allTenants()).map((t) => t.tenantId)).not.toContain("off-a");
    expect((await api(stays, "/api/learners/me/profile")).status).toBe(200);
    expect((await allTenants()).find((t) => t.tenantId === "off-b")?.registrations).toBe(1);

    const again = await admin("POST", "/admin/tenants/off-a/offboard", { confirm: "off-a" });
    expect(again.status).toBe(200);
    const second = (await again.json()) as OffboardingReceipt;
    expect(second.status).toBe("complete");
    expect(second.kv.keys).toBe(0);
    for (const s of BACKEND_SERVICES) {
      expect(second.services[s]).toEqual({ status: "erased", rows: 0, objects: 0 });
    }
  });

  it("says which service failed, keeps the tenant record for the retry, and the retry finishes", async () => {
    await tokenOf("off-down");
    expect((await admin("PUT", "/admin/faults/chat", { mode: "fail" })).status).toBe(200);
    let receipt: OffboardingReceipt;
    try {
      const res = await admin("POST", "/admin/tenants/off-down/offboard", { confirm: "off-down" });
      expect(res.status).toBe(202);
      receipt = (await res.json()) as OffboardingReceipt;
    } finally {
      await admin("DELETE", "/admin/faults/chat");
    }
    expect(receipt.status).toBe("incomplete");
    expect(receipt.services.chat).toEqual({ status: "failed" });
    expect(receipt.services["struggle-detector"]?.status).toBe("erased");
    expect(await getTenant(env, "off-down")).not.toBeNull();

    // chat's D1 breaker may still be cooling down; the retry is repeated until it is through.
    let status = 0;
    for (let attempt = 0; attempt < 30 && status !== 200; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 1000));
      status = (await admin("POST", "/admin/tenants/off-down/offboard", { confirm: "off-down" })).status;
    }
    expect(status).toBe(200);
    expect(await getTenant(env, "off-down")).toBeNull();
  });
});
