// Issue 14's instructor tuning, through the gateway: an instructor sets the course's guide
// settings, the next learner of that course is judged by them; another course and another
// tenant are not; learners cannot change them; bad settings change nothing.
import { type RunningSystem, startSystem } from "@atomic-guide/testing/system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, DEFAULT_CONTEXT, type Launched, launch, signalsEndingNow, stopSystem } from "../../support/flows";

const SETTINGS = `/api/courses/${DEFAULT_CONTEXT}/guide-settings`;
const low = {
  sensitivity: "low",
  cooldownMinutes: 10,
  dailyCap: 4,
  allowedInterventions: ["hint", "content_summary", "prerequisite_resource"],
};
/** Three wrong answers on one item, 10 s apart: "struggling" at medium sensitivity, "watch" at low. */
const threeWrong = () =>
  signalsEndingNow(
    [0, 1, 2].map(() => ({ type: "quiz_attempt", elementId: "q1", correct: false, durationMs: 10_000 })),
    10_000,
  );

async function levelOf(learner: Launched): Promise<string> {
  const res = await api(system, learner.apiToken, "/api/cognitive/signals", { body: { signals: threeWrong() } });
  expect(res.status).toBe(202);
  return ((await res.json()) as { struggle: { level: string } }).struggle.level;
}

let system: RunningSystem;

describe("course guide settings through the gateway", () => {
  let instructor: Launched;

  beforeAll(async () => {
    system = await startSystem();
    instructor = await launch(system, { role: "instructor", userId: "settings-teacher" });
  });
  afterAll(() => stopSystem(system));

  it("an instructor lowers the sensitivity; the course's next learner is judged by it, no one else", async () => {
    const put = await api(system, instructor.apiToken, SETTINGS, { method: "PUT", body: low });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ ...low, updatedAt: expect.any(String) });

    expect(await levelOf(await launch(system, { role: "learner", userId: "next-learner" }))).toBe("watch");
    expect(
      await levelOf(await launch(system, { role: "learner", userId: "elsewhere", contextId: "course-other" })),
    ).toBe("struggling");
    expect(await levelOf(await launch(system, { role: "learner", tenant: "uni-b", userId: "next-learner" }))).toBe(
      "struggling",
    );
  });

  it("a learner can neither read nor change them", async () => {
    const learner = await launch(system, { role: "learner", userId: "curious-learner" });
    expect((await api(system, learner.apiToken, SETTINGS)).status).toBe(403);
    expect((await api(system, learner.apiToken, SETTINGS, { method: "PUT", body: low })).status).toBe(403);
  });

  it("bad settings get 400 and change nothing", async () => {
    const before = await (await api(system, instructor.apiToken, SETTINGS)).json();
    const bad = await api(system, instructor.apiToken, SETTINGS, { method: "PUT", body: { ...low, dailyCap: 500 } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { code: "invalid_request", message: expect.any(String) } });
    expect(await (await api(system, instructor.apiToken, SETTINGS)).json()).toEqual(before);
  });
});
