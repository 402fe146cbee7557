import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { controlD1Faults, withD1Faults } from "./d1-faults";
import { interceptD1 } from "./intercept-d1";
import { APPLIED_TABLE, D1Outbox, outboxStatement } from "./outbox";
import { outboxBackoffMs } from "./outbox-retry";

// `log` has no natural key on purpose: a second application of an entry would add a second row,
// so these tests see any replay that is not exactly-once.
beforeAll(async () => {
  await env.DB.batch([
    env.DB.prepare(
      "CREATE TABLE log (id INTEGER PRIMARY KEY AUTOINCREMENT, tenant_id TEXT NOT NULL, body TEXT NOT NULL)",
    ),
    env.DB.prepare(
      "CREATE TABLE counters (tenant_id TEXT NOT NULL, name TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (tenant_id, name))",
    ),
    env.DB.prepare("CREATE TABLE strict_rows (tenant_id TEXT NOT NULL, body TEXT NOT NULL)"),
  ]);
});

const logInsert = (tenantId: string, body: string) => ({
  sql: "INSERT INTO log (tenant_id, body) VALUES (?, ?)",
  params: [tenantId, body],
});

async function logBodies(tenantId: string): Promise<string[]> {
  const rows = await env.DB.prepare("SELECT body FROM log WHERE tenant_id = ? ORDER BY id")
    .bind(tenantId)
    .all<{ body: string }>();
  return rows.results.map((r) => r.body);
}

function host(name: string) {
  return env.OUTBOX_HOST.get(env.OUTBOX_HOST.idFromName(name));
}

/** A D1 that fails every call while `down.value` is true, like an outage would. */
function switchableD1(down: { value: boolean }) {
  return interceptD1(env.DB, async (_call, run) => {
    if (down.value) throw new Error("D1_ERROR: injected outage");
    return run();
  });
}

describe("D1Outbox", () => {
  it("keeps writes during an outage and replays them oldest first when D1 is back", async () => {
    await runInDurableObject(host("order"), async (_instance, state) => {
      const outbox = new D1Outbox(state.storage.sql, "order");
      const down = { value: true };
      const d1 = switchableD1(down);
      for (const body of ["first", "second", "third", "fourth"]) {
        outbox.enqueue({
          idempotencyKey: `t-order:${body}`,
          tenantId: "t-order",
          statements: [logInsert("t-order", body)],
        });
      }
      const during = await outbox.flush(d1);
      expect(during).toMatchObject({ flushed: 0, pending: 4 });
      expect(during.error).toContain("injected outage");
      expect(outbox.headAttempts()).toBe(1);
      expect(await logBodies("t-order")).toEqual([]);

      down.value = false;
      expect(await outbox.flush(d1)).toEqual({ flushed: 4, pending: 0 });
      expect(await logBodies("t-order")).toEqual(["first", "second", "third", "fourth"]);
    });
  });

  it("stops at the entry D1 fails on and resumes from it, keeping order", async () => {
    await runInDurableObject(host("midway"), async (_instance, state) => {
      const outbox = new D1Outbox(state.storage.sql, "midway");
      let batches = 0;
      // D1 goes away after two batches of the queue have been applied.
      const d1 = interceptD1(env.DB, async (call, run) => {
        if (call.kind === "batch" && ++batches === 3) throw new Error("D1_ERROR: injected outage");
        return run();
      });
      for (const body of ["a", "b", "c", "d", "e"]) {
        outbox.enqueue({ idempotencyKey: `t-mid:${body}`, tenantId: "t-mid", statements: [logInsert("t-mid", body)] });
      }
      const first = await outbox.flush(d1);
      expect(first).toMatchObject({ flushed: 2, pending: 3 });
      expect(outbox.pendingKeys()).toEqual(["t-mid:c", "t-mid:d", "t-mid:e"]);
      expect(await logBodies("t-mid")).toEqual(["a", "b"]);

      expect(await outbox.flush(d1)).toEqual({ flushed: 3, pending: 0 });
      expect(await logBodies("t-mid")).toEqual(["a", "b", "c", "d", "e"]);
    });
  });

  it("applies an entry exactly once when D1 committed it but the answer was lost", async () => {
    await runInDurableObject(host("lost-answer"), async (_instance, state) => {
      const outbox = new D1Outbox(state.storage.sql, "lost");
      let lostOnce = false;
      // The batch commits, then the connection drops before the DO hears back: the outbox
      // retries the same batch (a transient error), which must not apply it a second time.
      const d1 = interceptD1(env.DB, async (call, run) => {
        const result = await run();
        if (call.kind === "batch" && !lostOnce) {
          lostOnce = true;
          throw new Error("Network connection lost.");
        }
        return result;
      });
      outbox.enqueue({
        idempotencyKey: "t-lost:bump-1",
        tenantId: "t-lost",
        statements: [
          {
            sql: "INSERT INTO counters (tenant_id, name, n) VALUES (?, ?, 1) ON CONFLICT (tenant_id, name) DO UPDATE SET n = n + 1",
            params: ["t-lost", "bumps"],
          },
          logInsert("t-lost", "bumped"),
        ],
      });
      expect(await outbox.flush(d1)).toEqual({ flushed: 1, pending: 0 });
      expect(lostOnce).toBe(true);
      const counter = await env.DB.prepare("SELECT n FROM counters WHERE tenant_id = ? AND name = ?")
        .bind("t-lost", "bumps")
        .first("n");
      expect(counter).toBe(1);
      expect(await logBodies("t-lost")).toEqual(["bumped"]);
    });
  });

  it("treats an entry re-queued after it was applied as already applied", async () => {
    await runInDurableObject(host("requeue"), async (_instance, state) => {
      const outbox = new D1Outbox(state.storage.sql, "requeue");
      const entry = { idempotencyKey: "t-re:only", tenantId: "t-re", statements: [logInsert("t-re", "once")] };
      outbox.enqueue(entry);
      expect(await outbox.flush(env.DB)).toEqual({ flushed: 1, pending: 0 });
      // The DO lost its deletion (say it was evicted) and holds the entry again.
      outbox.enqueue(entry);
      expect(await outbox.flush(env.DB)).toEqual({ flushed: 1, pending: 0 });
      expect(await logBodies("t-re")).toEqual(["once"]);
      const applied = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${APPLIED_TABLE} WHERE tenant_id = ?`)
        .bind("t-re")
        .first("n");
      expect(applied).toBe(1);
    });
  });

  it("rolls back a batch that fails halfway and moves it aside so later writes still land", async () => {
    await runInDurableObject(host("halfway"), async (_instance, state) => {
      const outbox = new D1Outbox(state.storage.sql, "halfway");
      outbox.enqueue({
        idempotencyKey: "t-half:broken",
        tenantId: "t-half",
        statements: [
          logInsert("t-half", "from-broken-entry"),
          // NOT NULL violation: D1 rejects the statement and with it the whole batch.
          { sql: "INSERT INTO strict_rows (tenant_id, body) VALUES (?, ?)", params: ["t-half", null] },
        ],
      });
      outbox.enqueue({ idempotencyKey: "t-half:good", tenantId: "t-half", statements: [logInsert("t-half", "good")] });
      expect(await outbox.flush(env.DB)).toEqual({ flushed: 1, pending: 0, deadLettered: 1 });
      expect(await logBodies("t-half")).toEqual(["good"]);
      const applied = await env.DB.prepare(`SELECT idempotency_key FROM ${APPLIED_TABLE} WHERE tenant_id = ?`)
        .bind("t-half")
        .all();
      expect(applied.results).toEqual([{ idempotency_key: "t-half:good" }]);
      expect(outbox.deadLetters()).toEqual([
        { idempotencyKey: "t-half:broken", error: expect.stringContaining("NOT NULL constraint failed") },
      ]);
    });
  });

  it("does not queue a key twice while it waits", async () => {
    await runInDurableObject(host("dup"), async (_instance, state) => {
      const outbox = new D1Outbox(state.storage.sql, "dup");
      const entry = { idempotencyKey: "t-dup:x", tenantId: "t-dup", statements: [logInsert("t-dup", "x")] };
      outbox.enqueue(entry);
      outbox.enqueue(entry);
      expect(outbox.pending()).toBe(1);
      expect(outbox.has("t-dup:x")).toBe(true);
      expect(outbox.discard("t-dup", "t-dup:")).toBe(1);
      expect(outbox.pending()).toBe(0);
    });
  });

  it("rejects malformed entries without queueing anything", async () => {
    await runInDurableObject(host("invalid"), async (_instance, state) => {
      const outbox = new D1Outbox(state.storage.sql, "invalid");
      expect(() => outbox.enqueue({ idempotencyKey: "", statements: [logInsert("t", "x")] })).toThrow();
      expect(() => outbox.enqueue({ idempotencyKey: "k", statements: [] })).toThrow();
      expect(() =>
        outbox.enqueue({ idempotencyKey: "k", statements: [{ sql: "SELECT ?", params: [{ nested: true } as never] }] }),
      ).toThrow();
      expect(outbox.pending()).toBe(0);
    });
  });

  it("accepts statements compiled by kysely", async () => {
    const statement = outboxStatement({
      sql: "INSERT INTO log (tenant_id, body) VALUES (?, ?)",
      parameters: ["t-k", "k"],
    });
    expect(statement).toEqual({ sql: "INSERT INTO log (tenant_id, body) VALUES (?, ?)", params: ["t-k", "k"] });
  });
});

describe("outbox in its Durable Object", () => {
  it("queues a write while D1 is down, schedules the alarm, and the alarm replays it", async () => {
    const stub = host("alarm");
    await controlD1Faults(env, "shared-test", { mode: "fail" });
    const queued = await stub.write({
      idempotencyKey: "t-alarm:1",
      tenantId: "t-alarm",
      statements: [logInsert("t-alarm", "late")],
    });
    expect(queued.queued).toBe(true);
    expect(await runInDurableObject(stub, (_i, state) => state.storage.getAlarm())).not.toBeNull();
    // Still down: the alarm keeps the entry and schedules the next attempt.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await runInDurableObject(stub, (instance) => instance.outbox.headAttempts())).toBe(2);
    expect(await runInDurableObject(stub, (_i, state) => state.storage.getAlarm())).not.toBeNull();
    expect(await logBodies("t-alarm")).toEqual([]);

    await controlD1Faults(env, "shared-test", { mode: "off" });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await runInDurableObject(stub, (instance) => instance.outbox.pending())).toBe(0);
    expect(await runInDurableObject(stub, (_i, state) => state.storage.getAlarm())).toBeNull();
    expect(await logBodies("t-alarm")).toEqual(["late"]);
  });

  it("writes straight through when D1 is up", async () => {
    const stub = host("through");
    const result = await stub.write({
      idempotencyKey: "t-through:1",
      tenantId: "t-through",
      statements: [logInsert("t-through", "now")],
    });
    expect(result.queued).toBe(false);
    expect(await logBodies("t-through")).toEqual(["now"]);
  });

  it("prunes applied keys once an hour per scope, however many outboxes flush under it", async () => {
    const prunes: string[] = [];
    const d1 = interceptD1(env.DB, async (call, run) => {
      if (call.sql.some((s) => s.includes("outbox.applied_prune"))) prunes.push(call.sql[0]!);
      return run();
    });
    const scope = `scope-${crypto.randomUUID()}`;
    const flushOne = (name: string, pruneScope?: string) =>
      runInDurableObject(host(name), async (_instance, state) => {
        const outbox = new D1Outbox(state.storage.sql, "pruning");
        outbox.enqueue({
          idempotencyKey: `t-prune:${name}`,
          tenantId: "t-prune",
          statements: [logInsert("t-prune", name)],
        });
        return outbox.flush(d1, pruneScope === undefined ? {} : { pruneScope });
      });
    // Three objects (think: three conversations) under one scope: one prune between them.
    for (const name of ["prune-a", "prune-b", "prune-c"]) {
      expect(await flushOne(name, scope)).toEqual({ flushed: 1, pending: 0 });
    }
    expect(prunes).toHaveLength(1);
    // Without a scope each outbox instance keeps its own hour, as before.
    await flushOne("prune-d");
    await flushOne("prune-e");
    expect(prunes).toHaveLength(3);
    expect(await logBodies("t-prune")).toEqual(["prune-a", "prune-b", "prune-c", "prune-d", "prune-e"]);
  });
});

describe("outboxBackoffMs", () => {
  it("doubles per attempt up to the cap, within the jitter band", () => {
    const mid = () => 0.5;
    expect(outboxBackoffMs(1, { random: mid })).toBe(1_000);
    expect(outboxBackoffMs(4, { random: mid })).toBe(8_000);
    expect(outboxBackoffMs(30, { random: mid })).toBe(300_000);
    expect(outboxBackoffMs(1, { random: () => 0 })).toBe(800);
    expect(outboxBackoffMs(1, { random: () => 1 })).toBe(1_200);
  });
});

it("fault injection reaches the outbox host through its own binding wrapper", async () => {
  // Guards the test above: the DO's D1 really is the fault-wrapped one.
  expect(withD1Faults(env.DB, env, "shared-test")).not.toBe(env.DB);
});
