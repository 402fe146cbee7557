// A learner's consent to profiling, recorded on the server through the gateway and respected by
// struggle-detector: withdrawn, no signal is kept; the export shows the recorded choice.
import { type RunningSystem, startSystem } from "@atomic-guide/testing/system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Launched, launch, stopSystem, stuckBurst } from "../../support/flows";

describe("consent to profiling through the gateway", () => {
  let system: RunningSystem;
  let learner: Launched;
  beforeAll(async () => {
    system = await startSystem();
    learner = await launch(system, { role: "learner", userId: "consent-learner" });
  });
  afterAll(() => stopSystem(system));

  it("refuses signals while withdrawn, shows the choice in the export, and accepts them again when given", async () => {
    const off = await api(system, learner.apiToken, "/api/learners/me/consent", {
      method: "PUT",
      body: { profiling: false },
    });
    expect(off.status).toBe(200);
    const refused = await api(system, learner.apiToken, "/api/cognitive/signals", {
      body: { signals: stuckBurst("q-9") },
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("consent_withdrawn");

    const exported = (await (await api(system, learner.apiToken, "/api/learners/me/export")).json()) as {
      services: { "struggle-detector": { consent: { profiling: boolean }; recentSignals: unknown[] } };
    };
    expect(exported.services["struggle-detector"].consent.profiling).toBe(false);
    expect(exported.services["struggle-detector"].recentSignals).toEqual([]);

    await api(system, learner.apiToken, "/api/learners/me/consent", { method: "PUT", body: { profiling: true } });
    const accepted = await api(system, learner.apiToken, "/api/cognitive/signals", {
      body: { signals: stuckBurst("q-9") },
    });
    expect(accepted.status).toBe(202);
  });
});
