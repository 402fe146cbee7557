import type { RunningSystem } from "@atomic-guide/testing/system";
import { answeredByDouble, chatLearners, chatTurn } from "./chat-client";
import { type BenchFixture, bearer } from "./fixture";
import { launch } from "./launch";
import type { ProviderDouble } from "./provider-double";
import { signalScenarios } from "./signal-scenarios";

export interface ScenarioContext {
  system: RunningSystem;
  gateway: URL;
  floor: URL;
  /** The floor plus one local D1 query, one Durable Object RPC, one new Durable Object (src/floors.ts). */
  floorD1: URL;
  floorDo: URL;
  floorNewDo: URL;
  fixture: BenchFixture;
  /** The external model double chat is pointed at; undefined when it could not be wired. */
  provider: ProviderDouble | undefined;
}

/** How many operations the run will send (warm-up first, then measured), so setup can prepare for them. */
export interface ScenarioPlan {
  requests: number;
  warmup: number;
}

/** A send's own figure, for scenarios whose latency is not the whole request (e.g. time to first token). */
export interface Measured {
  ok: boolean;
  ms: number;
}

export interface PreparedScenario {
  send: (i: number) => Promise<boolean | Measured>;
  teardown?: () => Promise<void>;
}

export interface Scenario {
  name: string;
  note: string;
  requests: number;
  concurrency: number;
  /** Operations sent before measuring; default min(200, requests). */
  warmup?: number;
  /** What the scenario needs, printed when setup answers null. */
  needs?: string;
  /**
   * Work each operation leaves to a Durable Object alarm that comes due this long after it (a
   * new session's debounced D1 copy, say). The measured run's CPU is read once that work has run,
   * so the upper bound counts it (less the idle background over that wait); the profiled pass starts after it, so the measured run's alarms
   * land in no profiled operation, and waits as long after its own last operation, so its own
   * alarms land in its last window (in the mean, not the p50).
   */
  deferredMs?: number;
  /**
   * A floor Worker (src/floors.ts) whose isolate this row profiles: floor rows are otherwise not
   * profiled, but what a Durable Object call costs its caller locally is the reference for every
   * row whose operation starts or wakes an object.
   */
  profiledFloor?: string;
  /**
   * Prepares the scenario; null (with `needs`) or `{skip: reason}` when the system cannot run
   * it, which lists it as skipped: never a made-up figure.
   */
  setup(ctx: ScenarioContext, plan: ScenarioPlan): Promise<PreparedScenario | { skip: string } | null>;
}

const get = (url: URL, headers: Record<string, string> = {}) => fetch(url, { headers });

/** A send that GETs `url(i)` and passes when `check` accepts the response (which reads its body). */
function getting(
  url: (i: number) => URL,
  check: (res: Response) => Promise<boolean>,
  headers: (i: number) => Record<string, string> = () => ({}),
): PreparedScenario["send"] {
  return async (i) => check(await get(url(i), headers(i)));
}

const status = (expected: number) => async (res: Response) => {
  await res.arrayBuffer();
  return res.status === expected;
};
const answers = (text: string) => async (res: Response) => res.status === 200 && (await res.text()) === text;

/** A forwarded GET as a learner or instructor; skipped when the route does not answer 200. */
function forwardedRead(path: string, who: "learner" | "instructor"): Scenario["setup"] {
  return async ({ fixture }) => {
    const users = who === "instructor" ? [await fixture.instructor()] : await fixture.learners(16);
    const probe = await get(fixture.url(path), bearer(users[0]!));
    if (probe.status !== 200)
      return { skip: `GET ${path} answered ${probe.status}: ${(await probe.text()).slice(0, 160)}` };
    await probe.arrayBuffer();
    return {
      send: getting(
        () => fixture.url(path),
        status(200),
        (i) => bearer(users[i % users.length]!),
      ),
    };
  };
}

export const scenarios: Scenario[] = [
  {
    name: "floor: hello-world Worker",
    note: "a Worker that returns `ok`: the cost of the runtime and the loopback HTTP hop alone.",
    requests: 5000,
    concurrency: 16,
    setup: async ({ floor }) => ({ send: getting(() => floor, status(200)) }),
  },
  {
    name: "floor: hello-world Worker, one at a time",
    note: "the same floor with one request in flight: the reference for the one-at-a-time rows below.",
    requests: 1000,
    concurrency: 1,
    setup: async ({ floor }) => ({ send: getting(() => floor, status(200)) }),
  },
  {
    name: "floor + one D1 query",
    note: "the floor Worker running `SELECT 1` on a local D1: what one query costs in the simulator.",
    requests: 2000,
    concurrency: 16,
    setup: async ({ floorD1 }) => ({ send: getting(() => floorD1, answers("1")) }),
  },
  {
    name: "floor + one Durable Object RPC",
    note: "the floor Worker calling a method on one of 16 Durable Objects: what one object hop costs locally.",
    requests: 2000,
    concurrency: 16,
    profiledFloor: "floor-do",
    setup: async ({ floorDo }) => ({ send: getting((i) => new URL(`?k=${i % 16}`, floorDo), answers("ok")) }),
  },
  {
    name: "floor + one new Durable Object",
    note: "the floor Worker creating a SQLite-backed Durable Object never used before, with one table and one row: what a new object costs locally when it lives in its caller's workerd (its SQLite file is created on the calling thread, as the system's are in the measured runs; the profiled passes run them in a second process) before any of our code runs in it.",
    requests: 500,
    warmup: 50,
    concurrency: 8,
    profiledFloor: "floor-new-do",
    setup: async ({ floorNewDo }) => ({ send: getting(() => floorNewDo, answers("ok")) }),
  },
  {
    name: "gateway: unknown route (404 envelope)",
    note: "the gateway's own request path: request id, router, error envelope; no bindings touched.",
    requests: 5000,
    concurrency: 16,
    setup: async ({ gateway }) => ({ send: getting(() => new URL("/nowhere", gateway), status(404)) }),
  },
  {
    name: "gateway: GET /health (all four services)",
    note: "one request fans out over RPC to the three services; each probes its D1, KV and Durable Object.",
    requests: 2000,
    concurrency: 16,
    setup: async ({ gateway }) => ({
      send: async () => {
        const res = await get(new URL("/health", gateway));
        const body = (await res.json()) as { status: string };
        return res.status === 200 && body.status === "ok";
      },
    }),
  },
  {
    name: "LTI launch: init → redirect → signed id_token → launch",
    note:
      "one operation = the whole launch as browser and LMS make it: GET /lti/init (state stored in one of 32 shard Durable Objects, " +
      "302 to the platform), the simulated Moodle signs an RS256 id_token (in the bench process, counted in the " +
      "latency but not in workerd's CPU), POST /lti/launch (JWKS from the platform over loopback HTTP, cached; " +
      "signature, nonce and state checks, API token minted, the learning session named for the page's first " +
      "signals to open (see the first-batch signals row), launch page rendered). " +
      "Two HTTP requests per operation; CPU is per launch.",
    requests: 500,
    concurrency: 8,
    warmup: 20,
    setup: async ({ fixture }) => ({
      send: async (i) => {
        const user = await launch(fixture.gateway, fixture.platform, { sub: `bench-launch-${i}`, name: `Launch ${i}` });
        return user.apiToken.length > 0;
      },
    }),
  },
  {
    name: "API → struggle-detector: GET /api/learners/me/profile",
    note: "token verified at the gateway, forwarded over the service binding; the learner's Durable Object answers live.",
    requests: 2000,
    concurrency: 16,
    setup: forwardedRead("/api/learners/me/profile", "learner"),
  },
  {
    name: "API → chat: GET /api/chat/conversations",
    note: "token verified at the gateway, forwarded to chat; the learner's conversation index (Durable Object).",
    requests: 2000,
    concurrency: 16,
    setup: forwardedRead("/api/chat/conversations", "learner"),
  },
  {
    name: "API → analytics: GET /api/analytics/overview",
    note: "an instructor's token (learners get 403 at the gateway), forwarded to analytics, which reads its D1.",
    requests: 2000,
    concurrency: 16,
    setup: forwardedRead("/api/analytics/overview", "instructor"),
  },
  ...signalScenarios,
  {
    name: "chat: time our stack adds before the first token (SSE)",
    note:
      "POST /api/chat/message with `Accept: text/event-stream`, a new conversation each time, 16 learners; the " +
      "external provider is a loopback OpenAI-compatible double that answers after a fixed delay. Latency = time " +
      "to the first `token` event minus that delay: gateway, chat's admission, budgets, FAQ search, prompt, " +
      "storing the message, and the hop to the provider. One turn at a time, so the figure is latency, not " +
      "queueing (the next scenario loads it). The per-minute message limit is raised for the bench (a " +
      "per-learner policy, checked all the same).",
    requests: 300,
    concurrency: 1,
    warmup: 32,
    setup: async ({ fixture, provider: wired }) => {
      const chat = await chatLearners(fixture, wired, 16);
      if ("skip" in chat) return chat;
      const { provider, users } = chat;
      const probe = await chatTurn(fixture, users[0]!);
      if (!probe.ok) return { skip: `chat turn failed: ${probe.status} ${probe.error ?? ""}`.slice(0, 200) };
      if (probe.provider !== "external") {
        return { skip: `chat answered with provider "${probe.provider}", not the external double` };
      }
      return {
        send: async (i) => {
          const turn = await chatTurn(fixture, users[i % users.length]!);
          return { ok: answeredByDouble(turn), ms: turn.firstTokenMs - provider.delayMs };
        },
      };
    },
  },
  {
    name: "chat: 50 conversations, turns back to back (SSE, whole turn)",
    note:
      "50 learners, each continuing their own conversation (history in the window), every one with a turn in " +
      "flight all the time: throughput under saturation. Latency is the whole turn to the `done` event and " +
      "includes the double's fixed delay. A turn answered by the offline fallback (the model's first token not " +
      "through within chat's 8 s, i.e. workerd saturated) counts as an error. The paced load is in the " +
      "sustained section.",
    requests: 1000,
    concurrency: 50,
    warmup: 50,
    setup: async ({ fixture, provider }) => {
      const chat = await chatLearners(fixture, provider, 50);
      if ("skip" in chat) return chat;
      const { users } = chat;
      const conversations = new Map<number, string>();
      return {
        send: async (i) => {
          const k = i % users.length;
          const turn = await chatTurn(fixture, users[k]!, conversations.get(k));
          if (turn.conversationId) conversations.set(k, turn.conversationId);
          return answeredByDouble(turn);
        },
      };
    },
  },
];
