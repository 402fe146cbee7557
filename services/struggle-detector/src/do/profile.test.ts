import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { AuthContext, LearnerProfile } from "@atomic-guide/shared";
import { describe, expect, it } from "vitest";
import { iso, learner, signals } from "../testing/api-calls";
import { askForHelp } from "../testing/ask-for-help";
import { changedMeaningfully } from "./profile";
import type { StruggleDetectorDO } from "./struggle-detector";
import { detectorFor } from "./stub";

const profile = (over: Partial<LearnerProfile> = {}): LearnerProfile => ({
  updatedAt: new Date(Date.now()).toISOString(),
  struggleLevel: "none",
  struggleScore: 0,
  strugglingTopics: [],
  ...over,
});

const pushedProfile = (auth: AuthContext) =>
  runInDurableObject(detectorFor(env, auth), (_instance: StruggleDetectorDO, state) =>
    state.storage.sql
      .exec<{ value: string }>("SELECT value FROM meta WHERE key = 'pushedProfile'")
      .toArray()
      .map((r) => JSON.parse(r.value) as LearnerProfile),
  );

describe("the profile chat hears about", () => {
  it("skips a learner chat has never heard of while they are calm with no trouble spots", () => {
    expect(changedMeaningfully(undefined, profile())).toBe(false);
    expect(changedMeaningfully(undefined, profile({ struggleLevel: "watch" }))).toBe(true);
    expect(changedMeaningfully(undefined, profile({ strugglingTopics: ["para-3"] }))).toBe(true);
    expect(changedMeaningfully(undefined, profile({ struggleScore: 0.3 }))).toBe(true);
  });

  it("reaches chat on a change after the first push, back to calm included", () => {
    const struggling = profile({ struggleLevel: "struggling", struggleScore: 0.9 });
    expect(changedMeaningfully(struggling, profile())).toBe(true);
    expect(changedMeaningfully(profile(), profile({ struggleScore: 0.1 }))).toBe(false);
  });

  it("is not pushed when a new learner's session opens, and is once they struggle", async () => {
    const auth = learner(`profile-push-${crypto.randomUUID()}`);
    const opened = await signals(auth, {
      sessionId: crypto.randomUUID(),
      signals: [{ type: "scroll", at: iso(-1_000), depth: 0.2 }],
    });
    expect(opened.status).toBe(202);
    expect(await pushedProfile(auth)).toEqual([]);
    await askForHelp(auth);
    const [pushed] = await pushedProfile(auth);
    expect(pushed?.struggleLevel).not.toBe("none");
  });
});
