// The signal rows of the bench: batches over HTTP and the socket, a session's first batch,
// two session lengths, and struggle to intervention on the socket.
import { setTimeout as sleep } from "node:timers/promises";
import { type BenchFixture, bearer, inBatches } from "./fixture";
import type { LaunchedUser } from "./launch";
import type { Scenario } from "./scenarios";
import { helpRequest, readingBatch, SignalSocket } from "./signals";

const closeAll = (sockets: SignalSocket[]) => async () => {
  for (const s of sockets) s.close();
};

/**
 * POSTs a 20-signal reading batch as `user`, naming the session their launch named as the web
 * app does: the status and how many signals were accepted.
 */
async function postSignals(fixture: BenchFixture, user: LaunchedUser, tag: string) {
  const res = await fetch(fixture.url("/api/cognitive/signals"), {
    method: "POST",
    headers: { ...bearer(user), "Content-Type": "application/json" },
    body: JSON.stringify({ ...readingBatch(tag), ...(user.sessionId ? { sessionId: user.sessionId } : {}) }),
  });
  const body = (await res.json()) as { accepted?: number };
  return { status: res.status, accepted: body.accepted };
}

/** One operation of the signal rows: the batch was taken whole. */
const batchTaken = async (fixture: BenchFixture, user: LaunchedUser, tag: string) => {
  const r = await postSignals(fixture, user, tag);
  return r.status === 202 && r.accepted === 20;
};

/**
 * A learner's object copies its sessions and profile to D1 this long after a batch
 * (struggle-detector's D1_DEBOUNCE_MS in do/write-behind.ts), plus a margin. Rows whose setup
 * starts many new learners wait it out before measuring; rows whose operations do, declare it
 * (`deferredMs`), so those copies count in their own figures and land in no other operation.
 */
const DEBOUNCED_COPY_WAIT_MS = 10_000 + 3_000;
const debouncedCopies = () => sleep(DEBOUNCED_COPY_WAIT_MS);

/** Two session lengths for the signals row: detection cost must not grow with the session. */
const SESSION_LENGTHS = [
  { label: "short sessions", signalsBefore: 20, learners: 64 },
  { label: "long sessions", signalsBefore: 5_000, learners: 16 },
] as const;

export const signalScenarios: Scenario[] = [
  {
    name: "signals over HTTP: POST /api/cognitive/signals (20 signals)",
    note:
      "a batch of 20 ordinary reading signals (no struggle evidence), spread over 16 learners; validated, " +
      "de-duplicated and fed to the detectors in the learner's Durable Object; answered 202 with the score.",
    requests: 2000,
    concurrency: 16,
    setup: async ({ fixture }) => {
      const users = await fixture.learners(16);
      const probe = await postSignals(fixture, users[0]!, "probe");
      if (probe.status !== 202) return { skip: `POST /api/cognitive/signals answered ${probe.status}` };
      return { send: (i) => batchTaken(fixture, users[i % users.length]!, `http-${i}`) };
    },
  },
  {
    name: "signals over HTTP, a session's first batch: POST /api/cognitive/signals (opens the session)",
    note:
      "the first 20-signal batch of a freshly launched learner, naming the session the launch page named: " +
      "since a session opens at the page's first signal rather than at the launch, this is where a new " +
      "learner's Durable Object is created (its SQLite file opened) and where the " +
      "session's D1 row, its session_started event and the retention mark's KV read start (from the object's " +
      "alarm, after the answer). Once per session; every learner was launched before the measurement.",
    requests: 300,
    concurrency: 8,
    warmup: 20,
    deferredMs: DEBOUNCED_COPY_WAIT_MS,
    setup: async ({ fixture }, plan) => {
      const users = await fixture.freshLearners("first-batch", plan.warmup + plan.requests);
      if (!users.every((u) => u.sessionId)) return { skip: "the launch named no session (struggle detection off?)" };
      return { send: (i) => batchTaken(fixture, users[i]!, `first-${i}`) };
    },
  },
  ...SESSION_LENGTHS.map(
    ({ label, signalsBefore, learners }): Scenario => ({
      name: `signals over HTTP, ${label}: POST /api/cognitive/signals (20 signals)`,
      note:
        `the same 20-signal batch, on ${learners} learners whose session already holds ${signalsBefore.toLocaleString("en")} ` +
        "signals each (sent before the measurement). Detection is O(1) per signal: the detector keeps running " +
        "aggregates, not the history, so the two session-length rows should cost the same per batch; compare " +
        "struggle-detector's column in the profiler section.",
      requests: 1000,
      concurrency: 16,
      warmup: 0,
      setup: async ({ fixture }) => {
        const users = await fixture.freshLearners(`session-${signalsBefore}`, learners);
        const post = (user: LaunchedUser, tag: string) => batchTaken(fixture, user, tag);
        const batchesBefore = Math.ceil(signalsBefore / 20);
        const loaded = await inBatches(users.length * batchesBefore, 16, (k) =>
          post(users[k % users.length]!, `pre-${signalsBefore}-${k}`),
        );
        if (!loaded.every(Boolean)) return { skip: "could not fill the sessions before measuring" };
        await debouncedCopies();
        return { send: (i) => post(users[i % users.length]!, `len-${signalsBefore}-${i}`) };
      },
    }),
  ),
  {
    name: "signals over WebSocket: /ws/signals (20 signals)",
    note:
      "the same 20-signal batch sent on 16 open sockets (tickets from POST /api/realtime/ticket); latency is " +
      "send → `ack`. The gateway is not on this path once the socket is open: the learner's Durable Object holds it.",
    requests: 2000,
    concurrency: 16,
    setup: async ({ fixture }) => {
      const users = await fixture.learners(16);
      let sockets: SignalSocket[];
      try {
        sockets = await Promise.all(users.map((u) => SignalSocket.open(fixture, u)));
      } catch (e) {
        return { skip: `could not open /ws/signals: ${String(e)}` };
      }
      return {
        send: async (i) => {
          const ack = await sockets[i % sockets.length]!.send(readingBatch(`ws-${i}`));
          return ack.type === "ack" && ack.accepted === 20;
        },
        teardown: closeAll(sockets),
      };
    },
  },
  {
    name: "struggle → intervention on the socket",
    note:
      "each operation is one learner who already asked for help once (level `watch`): the bench sends the second " +
      '`help_request` on their /ws/signals socket and times until `{type: "intervention"}` arrives on it. That ' +
      "path includes chat's `suggest` over RPC (the chat offer). One fresh learner per operation (the cooldown " +
      "allows one offer per 5 min), so there is no warm-up; one at a time, so p50/p95 over the learners are " +
      "latency rather than queueing.",
    requests: 100,
    concurrency: 1,
    warmup: 0,
    deferredMs: DEBOUNCED_COPY_WAIT_MS,
    setup: async ({ fixture }, plan) => {
      const users = await fixture.freshLearners("bench-struggler", plan.requests);
      const sockets = await inBatches(users.length, 16, (i) => SignalSocket.open(fixture, users[i]!));
      // First help request: evidence 1.0, score 0.63, level `watch`, no offer yet.
      const firsts = await inBatches(sockets.length, 16, (i) => sockets[i]!.send(helpRequest(`q-${i}`)));
      const bad = firsts.find((a) => a.type !== "ack" || (a.struggle as { level?: string })?.level !== "watch");
      if (bad) return { skip: `a first help request did not put the learner at watch: ${JSON.stringify(bad)}` };
      // Those first requests opened the learners' sessions: their D1 copies land before the measurement.
      await debouncedCopies();
      return {
        send: async (i) => {
          const socket = sockets[i]!;
          const t0 = performance.now();
          const arrived = socket.next("intervention");
          const ack = socket.send(helpRequest(`q-${i}`));
          const intervention = await Promise.race([
            arrived,
            new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000)),
          ]);
          const ms = performance.now() - t0;
          await ack;
          return { ok: intervention !== null, ms };
        },
        teardown: closeAll(sockets),
      };
    },
  },
];
