// Issue 6's end-to-end "done when": after a scripted burst of launches, signals and chat through
// the gateway, /admin/metrics shows each service's routes (templates, not raw paths) with counts
// and latency percentiles and each named D1 query with its timings, and the course insight
// shows the hot spot the script created.
import { type RunningSystem, startSystem } from "@atomic-guide/testing/system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adminHeaders,
  api,
  DEFAULT_CONTEXT,
  eventually,
  type Launched,
  launch,
  stopSystem,
  stuckBurst,
} from "../../support/flows";

interface RouteRow {
  service: string;
  route: string;
  count: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}
interface QueryRow {
  service: string;
  name: string;
  count: number;
  p50Ms: number;
  p95Ms: number;
  totalMs: number;
}
interface Report {
  routes: RouteRow[];
  queries: QueryRow[];
  slowQueries: QueryRow[];
  dropped: Record<string, number>;
}

const LEARNERS = 3;
const HOT_SPOT = "lab-2-question-5";

describe("metrics and insight after a scripted burst", () => {
  let system: RunningSystem;
  let instructor: Launched;
  let conversationIds: string[] = [];

  beforeAll(async () => {
    system = await startSystem();
    const learners: Launched[] = [];
    for (let i = 0; i < LEARNERS; i++) learners.push(await launch(system, { role: "learner", userId: `burst-${i}` }));
    instructor = await launch(system, { role: "instructor", userId: "burst-teacher" });
    conversationIds = [];
    for (const learner of learners) {
      const signals = await api(system, learner.apiToken, "/api/cognitive/signals", {
        body: { signals: stuckBurst(HOT_SPOT) },
      });
      if (signals.status !== 202) throw new Error(`signals: ${signals.status} ${await signals.text()}`);
      const chat = await api(system, learner.apiToken, "/api/chat/message", {
        body: { message: "Why does my loop never end?" },
      });
      if (chat.status !== 200) throw new Error(`chat: ${chat.status} ${await chat.text()}`);
      conversationIds.push(((await chat.json()) as { conversationId: string }).conversationId);
      await api(system, learner.apiToken, `/api/chat/history/${conversationIds.at(-1)}`);
    }
  });
  afterAll(() => stopSystem(system));

  const report = async (query = ""): Promise<Report> => {
    const res = await system.fetch(`/admin/metrics${query}`, { headers: adminHeaders });
    if (res.status !== 200) throw new Error(`/admin/metrics: ${res.status} ${await res.text()}`);
    return (await res.json()) as Report;
  };
  const route = (r: Report, service: string, template: string) =>
    r.routes.find((row) => row.service === service && row.route === template);

  it("the course insight shows the hot spot the script created, for every learner in it", async () => {
    const insight = await eventually(
      async () => {
        const res = await api(system, instructor.apiToken, `/api/courses/${DEFAULT_CONTEXT}/insights`);
        return (await res.json()) as { hotSpots?: { elementId: string; learners: number }[] };
      },
      (b) => (b.hotSpots ?? []).some((h) => h.elementId === HOT_SPOT && h.learners === LEARNERS),
    );
    expect(insight.hotSpots?.[0]).toMatchObject({ elementId: HOT_SPOT, learners: LEARNERS });
  });

  it("the course insight counts today's chat messages, which travelled chat -> analytics", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const insight = await eventually(
      async () =>
        (await (await api(system, instructor.apiToken, `/api/courses/${DEFAULT_CONTEXT}/insights`)).json()) as {
          chatVolume?: { day: string; messages: number | null; learners: number | null }[];
        },
      (b) => (b.chatVolume ?? []).some((d) => d.day === today && (d.learners ?? 0) >= LEARNERS),
    );
    expect(insight.chatVolume).toContainEqual({ day: today, messages: expect.any(Number), learners: LEARNERS });
    expect(insight.chatVolume?.find((d) => d.day === today)?.messages).toBeGreaterThanOrEqual(LEARNERS);
  });

  it("shows each service's routes as templates with counts and latency percentiles", async () => {
    const r = await eventually(
      () => report(),
      (rep) =>
        (route(rep, "struggle-detector", "/api/cognitive/signals")?.count ?? 0) >= LEARNERS &&
        (route(rep, "chat", "/api/chat/message")?.count ?? 0) >= LEARNERS &&
        (route(rep, "chat", "/api/chat/history/:conversationId")?.count ?? 0) >= LEARNERS &&
        (route(rep, "analytics", "/api/courses/:contextId/insights")?.count ?? 0) >= 1 &&
        rep.routes.some((row) => row.service === "lti-gateway" && row.count > 0),
    );
    expect(route(r, "struggle-detector", "/api/cognitive/signals")?.count).toBeGreaterThanOrEqual(LEARNERS);
    expect(route(r, "chat", "/api/chat/message")?.count).toBeGreaterThanOrEqual(LEARNERS);
    expect(route(r, "chat", "/api/chat/history/:conversationId")?.count).toBeGreaterThanOrEqual(LEARNERS);
    expect(route(r, "analytics", "/api/courses/:contextId/insights")?.count).toBeGreaterThanOrEqual(1);
    for (const service of ["lti-gateway", "chat", "struggle-detector", "analytics"]) {
      expect(
        r.routes.some((row) => row.service === service && row.count > 0),
        service,
      ).toBe(true);
    }
    for (const row of r.routes) {
      expect(row.p50Ms).toBeGreaterThanOrEqual(0);
      expect(row.p95Ms).toBeGreaterThanOrEqual(row.p50Ms);
      expect(row.p99Ms).toBeGreaterThanOrEqual(row.p95Ms);
    }
    // Templates, never raw paths with ids in them.
    const raw = JSON.stringify(r.routes.map((row) => row.route));
    for (const id of conversationIds) expect(raw).not.toContain(id);
    expect(raw).not.toContain(DEFAULT_CONTEXT);
  });

  it("shows named D1 queries with their timings for every service that keeps data", async () => {
    const r = await eventually(
      () => report(),
      (rep) =>
        ["chat", "struggle-detector", "analytics"].every((s) =>
          rep.queries.some((q) => q.service === s && !q.name.startsWith("~")),
        ),
    );
    for (const service of ["chat", "struggle-detector", "analytics"]) {
      const named = r.queries.filter((q) => q.service === service && !q.name.startsWith("~"));
      const seen = JSON.stringify(r.queries.map((q) => `${q.service}:${q.name}`));
      expect(named.length, `${service} has no named D1 query in ${seen}`).toBeGreaterThan(0);
      for (const q of named) {
        expect(q.count).toBeGreaterThan(0);
        expect(q.p95Ms).toBeGreaterThanOrEqual(q.p50Ms);
        expect(q.totalMs).toBeGreaterThanOrEqual(0);
      }
    }
    expect(r.slowQueries.length).toBeGreaterThan(0);
  });

  it("names every D1 query the burst ran (no unnamed ~verb:table fallbacks)", async () => {
    const r = await report();
    const unnamed = r.queries.filter((q) => q.name.startsWith("~")).map((q) => `${q.service}:${q.name}`);
    expect(unnamed).toEqual([]);
  });

  it("filters by service, and refuses callers without the operator token", async () => {
    const r = await report("?service=chat");
    expect(r.routes.length).toBeGreaterThan(0);
    expect(new Set(r.routes.map((row) => row.service))).toEqual(new Set(["chat"]));
    const denied = await system.fetch("/admin/metrics", {
      headers: { Authorization: `Bearer ${instructor.apiToken}` },
    });
    expect(denied.status).toBe(401);
    expect(await denied.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
  });
});
