// The bench's layout (startSystem's `objectsApart: "process"`): each service's Durable Objects in
// a Worker of their own in a second workerd process. Its profiles are only worth reading if the
// system works there as it does in one process: objects reached across the processes, D1 shared.
import { objectsWorkerOf, type RunningSystem, startSystem } from "@atomic-guide/testing/system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Launched, launch, stopSystem, stuckBurst } from "../../support/flows";

type Health = { status: string; services: Record<string, { durableObject: { status: string } }> };

describe("the system with its Durable Objects in a second workerd", () => {
  let system: RunningSystem;
  let learner: Launched;
  beforeAll(async () => {
    system = await startSystem({ objectsApart: "process" });
    learner = await launch(system, { role: "learner", userId: "two-process-learner" });
  });
  afterAll(() => stopSystem(system));

  it("keeps the objects Workers out of the services' process", async () => {
    await expect(system.mf.getWorker(objectsWorkerOf("atomic-guide-chat"))).rejects.toThrow();
    await expect(system.mf.getWorker("atomic-guide-chat")).resolves.toBeDefined();
  });

  it("answers /health with every service's Durable Object reached in the other process", async () => {
    const res = await system.fetch("/health");
    const body = (await res.json()) as Health;
    expect(res.status).toBe(200);
    expect(Object.values(body.services).map((s) => s.durableObject.status)).toEqual(["ok", "ok", "ok", "ok"]);
  });

  it("judges a learner's signals in their object and stores a chat turn in the conversation's object", async () => {
    const signals = await api(system, learner.apiToken, "/api/cognitive/signals", {
      body: { signals: stuckBurst("q-2") },
    });
    expect(signals.status).toBe(202);

    const reply = await api(system, learner.apiToken, "/api/chat/message", {
      body: { message: "What does the mill do?" },
    });
    expect(reply.status).toBe(200);
    const { conversationId } = (await reply.json()) as { conversationId: string };
    const history = await api(system, learner.apiToken, `/api/chat/history/${conversationId}`);
    const { messages } = (await history.json()) as { messages: { role: string }[] };
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant"]);
  });
});
