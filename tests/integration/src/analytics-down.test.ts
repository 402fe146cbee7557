// Analytics is the one service nothing user-facing may wait for: metrics are sent in waitUntil and
// dropped when it is gone, learning events wait in the senders' outboxes. With analytics stopped,
// launches, signals, interventions, chat and the learner's own reads all still answer.
import { type RunningSystem, startSystem } from "@atomic-guide/testing/system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Launched, launch, stopSystem, stuckBurst } from "../../support/flows";

describe("with analytics stopped", () => {
  let system: RunningSystem;
  let learner: Launched;

  beforeAll(async () => {
    system = await startSystem({ down: ["analytics"] });
    learner = await launch(system, { role: "learner" });
  });
  afterAll(() => stopSystem(system));

  it("still launches learners and instructors (the roster sync to analytics fails quietly)", async () => {
    expect(learner.apiToken).toBeTruthy();
    const instructor = await launch(system, { role: "instructor" });
    expect(instructor.launchJson.user.isInstructor).toBe(true);
  });

  it("still ingests signals and delivers an intervention", async () => {
    const res = await api(system, learner.apiToken, "/api/cognitive/signals", {
      body: { signals: stuckBurst("quiz-q7") },
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { accepted: number; struggle: { level: string }; intervention?: unknown };
    expect(body.accepted).toBeGreaterThan(0);
    expect(body.struggle.level).toBe("struggling");
    expect(body.intervention).toBeDefined();
  });

  it("still answers chat, and the learner's own reads", async () => {
    const chat = await api(system, learner.apiToken, "/api/chat/message", { body: { message: "What is a variable?" } });
    expect(chat.status).toBe(200);
    expect(((await chat.json()) as { provider: string }).provider).toBe("offline");
    for (const path of ["/api/learners/me/profile", "/api/learners/me/sessions", "/api/chat/conversations"]) {
      expect((await api(system, learner.apiToken, path)).status, path).toBe(200);
    }
  });

  it("reports analytics degraded in /health while the gateway keeps serving", async () => {
    const res = await system.fetch("/health");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; services: Record<string, { status: string }> };
    expect(body.status).toBe("degraded");
    expect(body.services.analytics!.status).toBe("degraded");
    expect(body.services.chat!.status).toBe("ok");
    expect(body.services["struggle-detector"]!.status).toBe("ok");
  });
});
