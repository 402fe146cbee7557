import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { LEGACY_SCHEMA_VERSION_KEY, schemaMarkTable } from "@atomic-guide/shared/do-schema";
import { LearningEventQueue } from "@atomic-guide/shared/rpc/learning-event-queue";
import { describe, expect, it } from "vitest";
import { EVENT_QUEUE_TABLE, LATEST_SESSION_SQL, LocalStore, SCHEMA_VERSION } from "./local-store";
import { detectorFor } from "./stub";

describe("the learner object's own SQLite", () => {
  it("finds the latest session through its index, not by sorting every session", async () => {
    const stub = detectorFor(env, { tenantId: "local-store", userId: crypto.randomUUID() });
    const plan = await runInDurableObject(stub, (_i, state) => {
      const store = new LocalStore(state.storage);
      for (let i = 0; i < 3; i++) {
        store.insertSession({
          session_id: `s-${i}`,
          launch_id: null,
          context_id: "course-1",
          started_at: new Date(i * 1000).toISOString(),
          last_signal_at: null,
          signal_count: 0,
          struggle_count: 0,
          intervention_count: 0,
          peak_score: 0,
          last_activity_ms: [30, 10, 20][i] as number,
        });
      }
      return {
        latest: store.latestSession()?.session_id,
        steps: state.storage.sql
          .exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${LATEST_SESSION_SQL}`)
          .toArray()
          .map((r) => r.detail),
      };
    });
    expect(plan.latest).toBe("s-0");
    expect(plan.steps.join(" | ")).toContain("sessions_last_activity");
    expect(plan.steps.join(" | ")).not.toContain("TEMP B-TREE");
  });

  it("gives a queue from schema version 2 its pins column, keeping what waits in it", async () => {
    const stub = detectorFor(env, { tenantId: "local-store", userId: crypto.randomUUID() });
    const after = await runInDurableObject(stub, (_i, state) => {
      const sql = state.storage.sql;
      // The object as version 2 left it: the queue without pins, one event waiting.
      sql.exec(`DROP TABLE ${EVENT_QUEUE_TABLE}`);
      sql.exec(
        `CREATE TABLE ${EVENT_QUEUE_TABLE} (seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, body TEXT NOT NULL)`,
      );
      sql.exec(`INSERT INTO ${EVENT_QUEUE_TABLE} (event_id, body) VALUES ('old', '{}')`);
      // Version 2 kept its schema mark in the object's key-value storage, not in a table.
      sql.exec(`DROP TABLE ${schemaMarkTable(SCHEMA_VERSION)}`);
      state.storage.kv.put(LEGACY_SCHEMA_VERSION_KEY, "2");

      new LocalStore(state.storage);
      const queue = new LearningEventQueue(sql, EVENT_QUEUE_TABLE);
      queue.queue(
        {
          type: "session_started",
          eventId: "new",
          sessionId: "s",
          at: new Date(0).toISOString(),
          tenantId: "t",
          userId: "u",
        },
        { tenantId: "t", pins: { analytics: "0b6f2d4e-6a1c-4f3b-8e5d-2c7a9b1e4f60" } },
      );
      return {
        rows: sql
          .exec<{ event_id: string; pins: string | null }>(
            `SELECT event_id, pins FROM ${EVENT_QUEUE_TABLE} ORDER BY seq`,
          )
          .toArray(),
        legacyMark: state.storage.kv.get(LEGACY_SCHEMA_VERSION_KEY),
      };
    });
    expect(after.rows).toEqual([
      { event_id: "old", pins: null },
      { event_id: "new", pins: JSON.stringify({ analytics: "0b6f2d4e-6a1c-4f3b-8e5d-2c7a9b1e4f60" }) },
    ]);
    expect(after.legacyMark).toBeUndefined();
  });
});
