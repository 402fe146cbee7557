// Issue 4's and 6's end-to-end "done when": a launched learner who looks stuck gets exactly one
// intervention (in the HTTP reply and on the open /ws/signals socket), answers it, and the
// instructor's course insight shows the hot spot and the outcome, which travelled
// struggle-detector -> analytics as learning events. Nobody else sees any of it.
import { type RunningSystem, startSystem } from "@atomic-guide/testing/system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  api,
  DEFAULT_CONTEXT,
  eventually,
  type Launched,
  launch,
  openSocket,
  type Socket,
  setRoster,
  signalsEndingNow,
  stopSystem,
  stuckBurst,
  tenantPlatform,
} from "../../support/flows";
import { ROLE } from "../../support/lti-platform";

const HOT_SPOT = "quiz-q3";

interface SignalsReply {
  accepted: number;
  struggle: { score: number; level: string };
  intervention?: {
    id: string;
    kind: string;
    message: string;
    elementId?: string;
    suggestion?: { text: string; provider: string };
  };
}

interface Insights {
  hotSpots: { elementId: string; events: number; learners: number; strugglingEvents: number }[];
  interventions: {
    delivered: { kind: string; count: number | null }[];
    outcomes: { action: string; count: number | null }[];
  };
  learners: {
    active: number;
    inactive: number;
    rosterSize: number;
    activeLearners?: { userId: string }[];
    inactiveLearners?: { userId: string; name?: string }[];
  };
}

describe("a stuck learner, the intervention and the instructor's insight", () => {
  let system: RunningSystem;
  let learner: Launched;
  let classmate: Launched;
  let instructor: Launched;
  let otherTenantLearner: Launched;
  let socket: Socket;
  let first: SignalsReply;

  beforeAll(async () => {
    system = await startSystem();
    learner = await launch(system, { role: "learner", userId: "stuck-learner" });
    classmate = await launch(system, { role: "learner", userId: "classmate", name: "Charles Babbage" });
    // The roster the instructor launch reads over Names and Roles: one learner never shows up.
    setRoster(await tenantPlatform(system), [
      { user_id: "stuck-learner", name: "Ada Lovelace", roles: [ROLE.learner], status: "Active" },
      { user_id: "classmate", name: "Charles Babbage", roles: [ROLE.learner], status: "Active" },
      { user_id: "absent-learner", name: "Mary Somerville", roles: [ROLE.learner], status: "Active" },
      { user_id: "teacher", name: "Grace Hopper", roles: [ROLE.instructor], status: "Active" },
    ]);
    instructor = await launch(system, { role: "instructor", userId: "teacher" });
    otherTenantLearner = await launch(system, { role: "learner", tenant: "uni-b", userId: "stuck-learner" });
    socket = await openSocket(system, learner.apiToken, "/ws/signals");
  });
  afterAll(async () => {
    socket?.close();
    await stopSystem(system);
  });

  it("a burst that looks stuck raises the level to struggling and yields one intervention", async () => {
    const res = await api(system, learner.apiToken, "/api/cognitive/signals", {
      body: { signals: stuckBurst(HOT_SPOT) },
    });
    expect(res.status).toBe(202);
    first = (await res.json()) as SignalsReply;
    expect(first.accepted).toBe(7);
    expect(first.struggle.level).toBe("struggling");
    expect(first.struggle.score).toBeGreaterThanOrEqual(0.7);
    // Two help requests lead the evidence, so the offer is a chat suggestion for that element,
    // which struggle-detector asked chat for over RPC (offline here).
    expect(first.intervention).toMatchObject({
      id: expect.any(String),
      kind: "chat_offer",
      message: expect.any(String),
      elementId: HOT_SPOT,
      suggestion: { text: expect.any(String), provider: "offline" },
    });
  });

  it("pushes the same intervention to the learner's open /ws/signals socket", async () => {
    const id = first.intervention?.id;
    const pushed = await socket.next((m) => m.type === "intervention");
    expect(pushed).toMatchObject({ type: "intervention", intervention: { id } });
  });

  it("a second stuck burst within the cooldown yields no intervention", async () => {
    const res = await api(system, learner.apiToken, "/api/cognitive/signals", {
      body: { signals: stuckBurst(HOT_SPOT) },
    });
    expect(res.status).toBe(202);
    const second = (await res.json()) as SignalsReply;
    expect(second.struggle.level).toBe("struggling");
    expect(second.intervention).toBeUndefined();
    const listed = (await (await api(system, learner.apiToken, "/api/learners/me/interventions")).json()) as {
      interventions: { id: string }[];
    };
    expect(listed.interventions.map((i) => i.id)).toEqual([first.intervention?.id]);
  });

  it("struggle-detector hands the learner's new profile to chat, which keeps it for the learner", async () => {
    const exported = await eventually(
      async () =>
        (await (await api(system, learner.apiToken, "/api/learners/me/export")).json()) as {
          services: { chat: { profile: { struggleLevel?: string; strugglingTopics?: string[] } | null } };
        },
      (e) => e.services.chat.profile?.struggleLevel === "struggling",
    );
    expect(exported.services.chat.profile).toMatchObject({ struggleLevel: "struggling" });
    expect(exported.services.chat.profile?.strugglingTopics).toContain(HOT_SPOT);
  });

  it("signals sent over the socket are acknowledged with the struggle state", async () => {
    socket.send({
      type: "signals",
      signals: [{ type: "hover", elementId: "intro", durationMs: 800, at: new Date().toISOString() }],
    });
    const ack = await socket.next((m) => m.type === "ack");
    expect(ack).toMatchObject({ accepted: 1, struggle: { level: expect.stringMatching(/^(none|watch|struggling)$/) } });
  });

  it("another learner or tenant cannot answer the intervention (404); its owner can", async () => {
    const id = first.intervention?.id ?? "";
    const path = `/api/interventions/${id}/respond`;
    expect((await api(system, classmate.apiToken, path, { body: { action: "dismissed" } })).status).toBe(404);
    expect((await api(system, otherTenantLearner.apiToken, path, { body: { action: "dismissed" } })).status).toBe(404);
    const res = await api(system, learner.apiToken, path, { body: { action: "helpful" } });
    expect(res.status).toBeLessThan(300);
    const after = (await (await api(system, learner.apiToken, "/api/learners/me/interventions")).json()) as {
      interventions: { id: string; outcome: string | null }[];
    };
    expect(after.interventions).toEqual([expect.objectContaining({ id, outcome: "helpful" })]);
  });

  it("the struggle event and the intervention are in struggle-detector's D1 for this tenant only", async () => {
    const db = await system.db("struggle-detector");
    const events = await db
      .prepare("SELECT tenant_id, user_id, element_id FROM struggle_events WHERE user_id = ?")
      .bind("stuck-learner")
      .all<{ tenant_id: string; element_id: string | null }>();
    expect(events.results.length).toBeGreaterThanOrEqual(1);
    expect(new Set(events.results.map((e) => e.tenant_id))).toEqual(new Set(["uni-a"]));
    const interventions = await db
      .prepare("SELECT tenant_id, intervention_id, outcome FROM interventions WHERE user_id = ?")
      .bind("stuck-learner")
      .all<{ tenant_id: string; intervention_id: string; outcome: string | null }>();
    expect(interventions.results).toEqual([
      { tenant_id: "uni-a", intervention_id: first.intervention?.id, outcome: "helpful" },
    ]);
  });

  it("the learner's sessions read back; a classmate and the same user id in another tenant see none of it", async () => {
    const own = (await (await api(system, learner.apiToken, "/api/learners/me/sessions")).json()) as {
      sessions: unknown[];
    };
    expect(own.sessions.length).toBeGreaterThanOrEqual(1);
    for (const other of [classmate, otherTenantLearner]) {
      const res = await api(system, other.apiToken, "/api/learners/me/interventions");
      expect(res.status).toBe(200);
      const body = (await res.json()) as { interventions: unknown[] };
      expect(body.interventions).toEqual([]);
      const profile = JSON.stringify(await (await api(system, other.apiToken, "/api/learners/me/profile")).json());
      expect(profile).not.toContain(HOT_SPOT);
    }
  });

  it("the instructor's course insight shows the hot spot, the intervention and how it was answered", async () => {
    const read = async () => {
      const res = await api(system, instructor.apiToken, `/api/courses/${DEFAULT_CONTEXT}/insights`);
      return { status: res.status, body: (await res.json()) as Insights };
    };
    const insight = await eventually(
      read,
      (r) =>
        r.status === 200 &&
        r.body.hotSpots.some((h) => h.elementId === HOT_SPOT) &&
        r.body.interventions.outcomes.some((o) => o.action === "helpful"),
    );
    expect(insight.status).toBe(200);
    expect(insight.body.hotSpots).toContainEqual(
      expect.objectContaining({ elementId: HOT_SPOT, learners: 1, strugglingEvents: expect.any(Number) }),
    );
    expect(insight.body.hotSpots.find((h) => h.elementId === HOT_SPOT)?.strugglingEvents).toBeGreaterThanOrEqual(1);
    expect(insight.body.interventions.delivered).toContainEqual(
      expect.objectContaining({ kind: first.intervention?.kind, count: 1 }),
    );
    expect(insight.body.interventions.outcomes).toContainEqual(
      expect.objectContaining({ action: "helpful", count: 1 }),
    );
  });

  it("the insight lists the roster's learners who have not been active (Names and Roles at the instructor launch)", async () => {
    const insight = await eventually(
      async () => {
        const res = await api(system, instructor.apiToken, `/api/courses/${DEFAULT_CONTEXT}/insights`);
        return (await res.json()) as Insights;
      },
      (b) => b.learners.rosterSize === 3,
    );
    expect(insight.learners.rosterSize).toBe(3);
    // The classmate launched, but their page has sent no signal yet: a launch alone is not
    // activity (a session opens at the page's first signal, docs/struggle-detection.md).
    expect(insight.learners.inactiveLearners?.map((l) => l.userId).sort()).toEqual(["absent-learner", "classmate"]);
    expect(insight.learners.inactiveLearners).toContainEqual(
      expect.objectContaining({ userId: "absent-learner", name: "Mary Somerville" }),
    );
    expect(insight.learners.activeLearners?.map((l) => l.userId)).toContain("stuck-learner");
    expect(insight.learners.activeLearners?.map((l) => l.userId)).not.toContain("absent-learner");
  });

  it("bad batches get 400 with the error envelope and store nothing", async () => {
    const recentSignals = async () =>
      (
        (await (await api(system, classmate.apiToken, "/api/learners/me/export")).json()) as {
          services: { "struggle-detector": { recentSignals: unknown[] } };
        }
      ).services["struggle-detector"].recentSignals;
    const before = await recentSignals();
    const now = new Date().toISOString();
    const hover = { type: "hover", elementId: "bad-batch", durationMs: 4000, at: now };
    const bad: [string, unknown][] = [
      ["empty", { signals: [] }],
      [
        "over 100",
        { signals: Array.from({ length: 101 }, (_, i) => ({ ...hover, at: new Date(Date.now() - i).toISOString() })) },
      ],
      ["unknown type", { signals: [hover, { ...hover, type: "telepathy" }] }],
      ["far in the future", { signals: [hover, { ...hover, at: new Date(Date.now() + 3600_000).toISOString() }] }],
      ["wrong types", { signals: [{ ...hover, durationMs: "long" }] }],
      ["not a list", { signals: "hover" }],
    ];
    for (const [label, body] of bad) {
      const res = await api(system, classmate.apiToken, "/api/cognitive/signals", { body });
      expect(res.status, label).toBe(400);
      expect(await res.json(), label).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
    }
    const after = await recentSignals();
    expect(after).toEqual(before);
    expect(JSON.stringify(after)).not.toContain("bad-batch");
  });

  it("learners get 403 on course insight; another tenant's instructor of the same course id sees none of it", async () => {
    const denied = await api(system, learner.apiToken, `/api/courses/${DEFAULT_CONTEXT}/insights`);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ error: { code: "instructor_only" } });

    const otherInstructor = await launch(system, { role: "instructor", tenant: "uni-b", userId: "teacher" });
    const res = await api(system, otherInstructor.apiToken, `/api/courses/${DEFAULT_CONTEXT}/insights`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Insights;
    expect(body.hotSpots).toEqual([]);
    expect(body.interventions.delivered).toEqual([]);
  });

  it("four wrong answers offer to tell the instructor, who sees the delivery in insight and the learner by name once they say yes", async () => {
    const guesser = await launch(system, { role: "learner", userId: "guesser", name: "Lord Byron" });
    const res = await api(system, guesser.apiToken, "/api/cognitive/signals", {
      body: {
        signals: signalsEndingNow(
          Array.from({ length: 4 }, () => ({ type: "quiz_attempt", elementId: "quiz-q9", correct: false })),
        ),
      },
    });
    expect(res.status).toBe(202);
    const reply = (await res.json()) as SignalsReply;
    expect(reply.struggle.level).toBe("struggling");
    expect(reply.intervention).toMatchObject({ kind: "instructor_notified", elementId: "quiz-q9" });
    const insight = await eventually(
      async () =>
        (await (await api(system, instructor.apiToken, `/api/courses/${DEFAULT_CONTEXT}/insights`)).json()) as Insights,
      (b) => b.interventions.delivered.some((d) => d.kind === "instructor_notified"),
    );
    expect(insight.interventions.delivered).toContainEqual(
      expect.objectContaining({ kind: "instructor_notified", count: 1 }),
    );
    expect(insight.hotSpots).toContainEqual(expect.objectContaining({ elementId: "quiz-q9", learners: 1 }));

    // An offer names nobody: the instructor's help requests list them only after the learner's yes.
    const helpPath = `/api/courses/${DEFAULT_CONTEXT}/help-requests`;
    type HelpRequests = { requests: { userId: string; name: string | null; elementId: string | null }[] };
    const before = (await (await api(system, instructor.apiToken, helpPath)).json()) as HelpRequests;
    expect(before.requests).toEqual([]);
    const offerId = (reply.intervention as { id: string }).id;
    const yes = await api(system, guesser.apiToken, `/api/interventions/${offerId}/respond`, {
      body: { action: "accepted" },
    });
    expect(yes.status).toBe(200);
    const after = await eventually(
      async () => (await (await api(system, instructor.apiToken, helpPath)).json()) as HelpRequests,
      (b) => b.requests.length > 0,
    );
    expect(after.requests).toEqual([
      expect.objectContaining({ name: "Lord Byron", elementId: "quiz-q9", userId: expect.any(String) }),
    ]);
    expect((await api(system, guesser.apiToken, helpPath)).status).toBe(403);
  });
});
