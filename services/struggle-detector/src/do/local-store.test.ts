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

  it("stores a batch's new signals in one statement, skips those already held and keeps every column", async () => {
    const stub = detectorFor(env, { tenantId: "local-store", userId: crypto.randomUUID() });
    const result = await runInDurableObject(stub, (_i, state) => {
      const store = new LocalStore(state.storage);
      const held = { key: "hover|1000|p1", atMs: 1000, type: "hover", elementId: "p1", durationMs: 900 };
      const first = store.insertSignals("s-1", [held]);
      const second = store.insertSignals("s-1", [
        held,
        { key: "quiz_attempt|2000|q1", atMs: 2000, type: "quiz_attempt", elementId: "q1", correct: false },
        { key: "scroll|3000|", atMs: 3000, type: "scroll", contentType: "vidéo ✓" },
      ]);
      return {
        first: [...first],
        second: [...second].sort(),
        rows: state.storage.sql
          .exec(
            "SELECT key, at_ms, session_id, type, element_id, duration_ms, correct, content_type FROM signals ORDER BY at_ms",
          )
          .toArray(),
      };
    });
    expect(result.first).toEqual(["hover|1000|p1"]);
    expect(result.second).toEqual(["quiz_attempt|2000|q1", "scroll|3000|"]);
    expect(result.rows).toEqual([
      {
        key: "hover|1000|p1",
        at_ms: 1000,
        session_id: "s-1",
        type: "hover",
        element_id: "p1",
        duration_ms: 900,
        correct: null,
        content_type: null,
      },
      {
        key: "quiz_attempt|2000|q1",
        at_ms: 2000,
        session_id: "s-1",
        type: "quiz_attempt",
        element_id: "q1",
        duration_ms: null,
        correct: 0,
        content_type: null,
      },
      {
        key: "scroll|3000|",
        at_ms: 3000,
        session_id: "s-1",
        type: "scroll",
        element_id: null,
        duration_ms: null,
        correct: null,
        content_type: "vidéo ✓",
      },
    ]);
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
