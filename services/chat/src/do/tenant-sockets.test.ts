// The per-tenant socket directory (packages/shared socket-directory): entries lapse at their
// expiry, so an object that went away without unregistering is not told forever, and a large
// tenant is told a page at a time, the rest from the directory's alarm.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { tenantSocketsStub } from "./tenant-sockets";

const POLICY = { features: { chat: false }, revokedRegistrations: {} };
const learnerId = (tenantId: string, i: number) => env.CHAT_LEARNERS.idFromName(`${tenantId}:u${i}`).toString();
const tenant = () => `dir-${crypto.randomUUID().slice(0, 8)}`;

const fanOutJob = (tenantId: string) =>
  runInDurableObject(tenantSocketsStub(env, tenantId), (_o, state) =>
    state.storage.sql.exec<{ after: string }>("SELECT after FROM fan_out").toArray(),
  );

describe("the tenant socket directory", () => {
  it("does not tell an object whose entry has lapsed, and drops it at the next registration", async () => {
    const tenantId = tenant();
    const directory = tenantSocketsStub(env, tenantId);
    await directory.register({ objectId: learnerId(tenantId, 1), untilMs: Date.now() - 1 });
    await directory.register({ objectId: learnerId(tenantId, 2), untilMs: Date.now() + 60_000 });
    expect(await directory.recheckAll(POLICY)).toEqual({ rechecked: 1 });
    const rows = await runInDurableObject(directory, (_o, state) =>
      state.storage.sql.exec<{ object_id: string }>("SELECT object_id FROM members").toArray(),
    );
    expect(rows.map((r) => r.object_id)).toEqual([learnerId(tenantId, 2)]);
  });

  it("tells a large tenant a page at a time: the first page at once, the rest from its alarm", async () => {
    const tenantId = tenant();
    const directory = tenantSocketsStub(env, tenantId);
    for (let i = 0; i < 60; i++)
      await directory.register({ objectId: learnerId(tenantId, i), untilMs: Date.now() + 60_000 });
    expect(await directory.recheckAll(POLICY)).toEqual({ rechecked: 50 });
    // The rest: the alarm is due now (workerd may be running it already; a shifted clock puts it
    // far away, so it is run here too), and once it has told them no job is left.
    await runDurableObjectAlarm(directory);
    await vi.waitUntil(async () => (await fanOutJob(tenantId)).length === 0, { timeout: 15_000, interval: 50 });
  });
});
