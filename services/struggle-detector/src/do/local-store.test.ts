import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { LATEST_SESSION_SQL, LocalStore } from "./local-store";
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
});
