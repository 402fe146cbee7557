import { describe, expect, it } from "vitest";
import { call, learner } from "../testing/api-calls";

const batch = () => ({ signals: [{ type: "click", at: new Date(Date.now() - 1000).toISOString(), elementId: "q-1" }] });

describe("consent to profiling, recorded per learner and respected", () => {
  it("is on by default, and recorded with its time when the learner changes it", async () => {
    const me = learner("consent-1");
    expect(await (await call(me, "GET", "/api/learners/me/consent")).json()).toEqual({
      profiling: true,
      updatedAt: null,
    });
    const off = await call(me, "PUT", "/api/learners/me/consent", { profiling: false });
    expect(off.status).toBe(200);
    const record = (await off.json()) as { profiling: boolean; updatedAt: string };
    expect(record.profiling).toBe(false);
    expect(Date.parse(record.updatedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(await (await call(me, "GET", "/api/learners/me/consent")).json()).toEqual(record);
  });

  it("refuses signals while consent is withdrawn and keeps none of them; accepts them again once given", async () => {
    const me = learner("consent-2");
    await call(me, "PUT", "/api/learners/me/consent", { profiling: false });
    const refused = await call(me, "POST", "/api/cognitive/signals", batch());
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("consent_withdrawn");
    const exported = (await (await call(me, "GET", "/api/learners/me/sessions")).json()) as { sessions: unknown[] };
    expect(exported.sessions).toEqual([]);

    await call(me, "PUT", "/api/learners/me/consent", { profiling: true });
    expect((await call(me, "POST", "/api/cognitive/signals", batch())).status).toBe(202);
  });

  it("does not touch another learner's choice", async () => {
    await call(learner("consent-3"), "PUT", "/api/learners/me/consent", { profiling: false });
    expect((await call(learner("consent-4"), "POST", "/api/cognitive/signals", batch())).status).toBe(202);
  });

  it("refuses a malformed choice with 400 and changes nothing", async () => {
    const me = learner("consent-5");
    for (const body of [{}, { profiling: "no" }, { profiling: false, extra: 1 }]) {
      expect((await call(me, "PUT", "/api/learners/me/consent", body)).status).toBe(400);
    }
    expect(
      ((await (await call(me, "GET", "/api/learners/me/consent")).json()) as { profiling: boolean }).profiling,
    ).toBe(true);
  });
});
