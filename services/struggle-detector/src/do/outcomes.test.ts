import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { type AuthContext, type LearningEvent, LearningEventSchema } from "@atomic-guide/shared";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import type { InterventionRow } from "./local-store";
import { recordOutcome } from "./outcomes";
import { LearnerRuntime } from "./runtime";
import { detectorFor } from "./stub";

const who: AuthContext = {
  tenantId: "acme",
  userId: "asker",
  roles: [],
  isInstructor: false,
  contextId: "course-1",
  name: "Ada Lovelace",
};

const row = (id: string, kind: string): InterventionRow => ({
  intervention_id: id,
  session_id: "s1",
  kind,
  element_id: "q-4",
  message: "…",
  suggestion: null,
  provider: null,
  drivers: JSON.stringify(["wrongAnswers"]),
  delivered_via: "http",
  created_at: new Date().toISOString(),
  outcome: null,
  responded_at: null,
});

describe("an offer to tell the instructor", () => {
  it("tells the instructor only when the learner says yes, by the name from their launch", async () => {
    const helpEvents = await runInDurableObject(detectorFor(env, who), async (_instance, state) => {
      const rt = new LearnerRuntime(state, env);
      for (const [id, kind] of [
        ["yes", "instructor_notified"],
        ["no", "instructor_notified"],
        ["hint", "hint"],
      ] as const)
        rt.store.insertIntervention(row(id, kind));
      recordOutcome(rt, who, "yes", "accepted");
      recordOutcome(rt, who, "no", "dismissed");
      recordOutcome(rt, who, "hint", "accepted");
      return state.storage.sql
        .exec<{ body: string }>("SELECT body FROM analytics_queue ORDER BY seq")
        .toArray()
        .map((q): LearningEvent => v.parse(LearningEventSchema, JSON.parse(q.body)))
        .filter((e) => e.type === "help_requested");
    });
    expect(helpEvents).toEqual([
      {
        type: "help_requested",
        eventId: "yes:help",
        interventionId: "yes",
        elementId: "q-4",
        learnerName: "Ada Lovelace",
        tenantId: "acme",
        userId: "asker",
        contextId: "course-1",
        at: expect.any(String),
      },
    ]);
  });
});
