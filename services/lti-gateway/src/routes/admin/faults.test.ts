import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";

// /admin/faults acts on D1 only, so it names the services that have one: the gateway keeps its
// data in KV and is refused, and `all` means chat, struggle-detector and analytics.

const TOKEN = "test-admin-token-0123456789abcdefghijklmnopqrstuvwxyz";
const WITH_D1 = ["chat", "struggle-detector", "analytics"];

const faults = (method: string, path: string, body?: unknown) =>
  exports.default.fetch(
    new Request(`http://localhost/admin/faults${path}`, {
      method,
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );

type Faults = { faults: { service: string; fault: { mode: string } | null }[] };

afterEach(async () => {
  expect((await faults("DELETE", "/all")).status).toBe(200);
});

describe("/admin/faults", () => {
  it("refuses lti-gateway with a 400 naming the services that have a database, and changes nothing", async () => {
    for (const method of ["PUT", "DELETE"]) {
      const res = await faults(method, "/lti-gateway", method === "PUT" ? { mode: "fail" } : undefined);
      expect(res.status, method).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe("unknown_service");
      for (const service of WITH_D1) expect(error.message).toContain(service);
    }
    const listed = (await (await faults("GET", "")).json()) as Faults;
    expect(listed.faults.every((f) => f.fault === null)).toBe(true);
  });

  it("lists the three services with a database, and `all` sets exactly those", async () => {
    const listed = (await (await faults("GET", "")).json()) as Faults;
    expect(listed.faults.map((f) => f.service)).toEqual(WITH_D1);

    const put = await faults("PUT", "/all", { mode: "slow", delayMs: 10 });
    expect(put.status).toBe(200);
    const set = (await put.json()) as Faults;
    expect(set.faults.map((f) => [f.service, f.fault?.mode])).toEqual(WITH_D1.map((s) => [s, "slow"]));
    const after = (await (await faults("GET", "")).json()) as Faults;
    expect(after.faults.map((f) => f.fault?.mode)).toEqual(["slow", "slow", "slow"]);
  });
});
