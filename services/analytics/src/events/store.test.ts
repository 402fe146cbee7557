import { env, exports } from "cloudflare:workers";
import type { AuthContext, LearningEvent } from "@atomic-guide/shared";
import { describe, expect, it } from "vitest";

const LEARNER_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner";
const learner: AuthContext = {
  tenantId: "store-rt",
  userId: "rita",
  roles: [LEARNER_ROLE],
  isInstructor: false,
  contextId: "course-rt",
};

const at = (agoMs: number) => new Date(Date.now() - agoMs).toISOString();
const base = (n: number) => ({ eventId: `rt-${n}`, tenantId: "store-rt", userId: "rita", at: at(10_000 * (7 - n)) });

/** One event of every type, every optional field present on one of them and absent on another. */
const EVENTS: LearningEvent[] = [
  { ...base(1), contextId: "course-rt", type: "session_started", sessionId: "s-1" },
  {
    ...base(2),
    type: "struggle_detected",
    sessionId: "s-1",
    elementId: "quiz-1",
    score: 0,
    level: "struggling",
  },
  { ...base(3), contextId: "course-rt", type: "intervention_delivered", interventionId: "i-1", kind: "hint" },
  { ...base(4), type: "intervention_responded", interventionId: "i-1", action: "not_helpful" },
  {
    ...base(5),
    type: "help_requested",
    interventionId: "i-2",
    elementId: "para-3",
    learnerName: "Rita R.",
  },
  { ...base(6), type: "chat_message", conversationId: "c-1", provider: "workers-ai", tokens: 0 },
];

describe("learning events in storage", () => {
  it("export exactly as they were recorded, whatever their type", async () => {
    expect(await exports.default.recordLearningEvents(EVENTS)).toEqual({ stored: EVENTS.length });
    const exported = await exports.default.exportLearner(learner);
    expect(exported.learningEvents).toEqual(EVENTS);
  });

  it("leave out of the export a row that is no event the system accepts", async () => {
    const otto = { ...learner, userId: "otto" };
    await exports.default.recordLearningEvents([
      { ...(EVENTS[0] as LearningEvent), eventId: "otto-1", userId: "otto" },
    ]);
    // A row written by hand, not through recordLearningEvents: a type the schema does not know.
    await env.DB.prepare(
      "INSERT INTO learning_events (tenant_id, event_id, type, user_id, at) VALUES ('store-rt', 'odd-1', 'mystery', 'otto', ?)",
    )
      .bind(at(1_000))
      .run();
    const exported = await exports.default.exportLearner(otto);
    expect(exported.learningEvents.map((e) => e.eventId)).toEqual(["otto-1"]);
  });
});
