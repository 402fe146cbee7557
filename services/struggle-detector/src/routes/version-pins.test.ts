// A tenant pinned to chat's candidate version: the offer struggle-detector asks chat to word goes
// to that version (over fetch with the override, the one path Cloudflare honours it on), and an
// unpinned tenant's goes by plain RPC. The real chat Worker answers both ways. What the learner's
// object sends later, from its alarm, follows the same pins, after an eviction too.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { AuthContext } from "@atomic-guide/shared";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LearnerRuntime } from "../do/runtime";
import { detectorFor } from "../do/stub";
import { iso, signals } from "../testing/api-calls";
import { askForHelp } from "../testing/ask-for-help";

const CANDIDATE = "0b6f2d4e-6a1c-4f3b-8e5d-2c7a9b1e4f60";

const learner = (userId: string, pins?: AuthContext["pins"]): AuthContext => ({
  tenantId: "pins-uni",
  userId,
  roles: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
  isInstructor: false,
  contextId: "course-1",
  flags: { chat: true, struggleDetection: true, analytics: true },
  ...(pins ? { pins } : {}),
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The paths and version overrides of the calls made through a spied binding's fetch. */
const overridesByPath = (spy: { mock: { calls: Parameters<Fetcher["fetch"]>[] } }) =>
  spy.mock.calls.map(([input, init]) => {
    const request = new Request(input as RequestInfo, init);
    return [new URL(request.url).pathname, request.headers.get("Cloudflare-Workers-Version-Overrides")];
  });

describe("chat offers and version pins", () => {
  it("reach chat's candidate for a pinned tenant, and the deployment for everyone else", async () => {
    const sent = vi.spyOn(env.CHAT, "fetch");
    const pinned = await askForHelp(learner("pinned-learner", { chat: CANDIDATE }));
    expect(pinned.intervention?.kind).toBe("chat_offer");
    const suggestCalls = sent.mock.calls
      .map(([input, init]) => new Request(input as RequestInfo, init))
      .filter((r) => new URL(r.url).pathname === "/_rpc/suggest");
    expect(suggestCalls).toHaveLength(1);
    expect(suggestCalls[0]?.headers.get("Cloudflare-Workers-Version-Overrides")).toBe(
      `atomic-guide-chat="${CANDIDATE}"`,
    );

    sent.mockClear();
    const plain = await askForHelp(learner("plain-learner"));
    expect(plain.intervention?.kind).toBe("chat_offer");
    expect(sent).not.toHaveBeenCalled();
  });

  it("reach analytics' candidate from the learner object's alarm, after the object was evicted", async () => {
    const who = learner("pinned-alarm", { analytics: CANDIDATE });
    const sessionId = crypto.randomUUID();
    // A session's first batch leaves its session_started event queued for the alarm.
    const sent = await signals(who, { sessionId, signals: [{ type: "scroll", at: iso(-1_000), depth: 0.2 }] });
    expect(sent.status).toBe(202);
    // Evicted: the next wake builds the object's memory from its storage alone, with no call in hand.
    await runInDurableObject(detectorFor(env, who), (instance, state) => {
      (instance as unknown as { rt: LearnerRuntime }).rt = new LearnerRuntime(state, env);
    });

    const analytics = vi.spyOn(env.ANALYTICS, "fetch");
    await runDurableObjectAlarm(detectorFor(env, who));
    expect(overridesByPath(analytics)).toContainEqual([
      "/_rpc/recordLearningEvents",
      `atomic-guide-analytics="${CANDIDATE}"`,
    ]);
  });
});
