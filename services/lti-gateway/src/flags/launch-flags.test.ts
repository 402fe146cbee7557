// Flags on the launch path: the launch JSON tells the web app which features the tenant has,
// and a tenant with struggle detection off gets no learning session named for its signals.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { SimulatedPlatform } from "../../../../tests/support/lti-platform";
import { ADMIN, gateway, launch, launchJson, register, routeFetchTo } from "../lti/test-harness";

let moodle: SimulatedPlatform;

beforeAll(async () => {
  moodle = await SimulatedPlatform.create({ shape: "moodle", origin: "https://moodle.example.edu" });
});
beforeEach(async () => {
  routeFetchTo([moodle]);
  await register(moodle, { tenantId: "flag-college" });
});
afterEach(() => vi.restoreAllMocks());

async function setFlags(flags: Record<string, unknown>) {
  const res = await gateway("/admin/tenants/flag-college/flags", {
    method: "PUT",
    headers: { ...ADMIN, "Content-Type": "application/json" },
    body: JSON.stringify(flags),
  });
  expect(res.status).toBe(200);
}

describe("flags at launch", () => {
  it("hands the tenant's flags to the web app and names a session when detection is on", async () => {
    await setFlags({ chat: false, struggleDetection: true, analytics: true });
    const json = await launchJson((await launch(moodle)).response);
    expect(json.flags).toEqual({ chat: false, struggleDetection: true, analytics: true });
    expect(json.sessionId).toMatch(/\S+/);
  });

  it("names no struggle session for a tenant with detection off", async () => {
    await setFlags({ chat: true, struggleDetection: false, analytics: false });
    const json = await launchJson((await launch(moodle)).response);
    expect(json.flags).toEqual({ chat: true, struggleDetection: false, analytics: false });
    expect(json.sessionId).toBeUndefined();
  });
});
