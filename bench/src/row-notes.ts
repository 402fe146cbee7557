// What the team knows about the rows over the aim: where the CPU goes and what comes next.
// Kept beside the runner, printed into docs/benchmarks.md only for rows over the aim in a run.

/**
 * What the team knows about the rows that exceed the 5 ms aim: where the CPU goes and the fix.
 * Matched by scenario-name prefix; printed only for rows that are over the aim in a run.
 */
export const OVER_AIM_NOTES: [string, string][] = [
  [
    "gateway: GET /health",
    "one health report is four Workers, three RPC hops and a D1 query, a KV read and a Durable Object call in each; about a millisecond of local D1 simulator per service. The gateway keeps the report for 5 s per isolate (HEALTH_REPORT_TTL_MS), so the fan-out runs once per isolate per window whatever the polling rate; operators poll it, learners never do.",
  ],
  [
    "signals over HTTP, a session's first batch",
    "what a launch used to start, now at the page's first signal: a first launch's learner Durable Object is created (locally its SQLite file on the calling thread: about 0.5-0.8 ms the profile charges to the route's call into the object with the files in RAM, about 1.4-1.75 ms with `--disk`; work Cloudflare does on the object's own machine) with its tables (one SQLite script), the batch is stored and judged, and the session row goes into SQLite marked for the debounced D1 copy. The answer waits for nothing else: the object's alarm, about 10 s later, copies the new session with the batch's counters and the profile to D1 in one batch, sends the session_started event (analytics' D1 insert and the snapshot refreshes it starts) and records the activity in the retention mark (the tenant's policy from KV and a storage write for a new learner). That alarm is a separate invocation; in the profiled pass it lands in a later operation's window (most of them in one long window), so it is in the mean and not the p50. Once per session, not per batch: the other signal rows are the steady state.",
  ],
  [
    "LTI launch",
    "two requests, an RS256 verification (the platform's key imported once per isolate and kept while its JWKS copy is fresh), one of the 32 long-lived state shards twice (one SQLite row stored at init, one DELETE ... RETURNING at launch), the registration and the tenant's flags (each isolate keeps both for 10 s, so the launch after a login in the same isolate reads neither from KV; the tenant record and version pins are read only for an instructor's roster sync), and an HMAC-signed API token. Nothing else: the launch names the learning session in the page and the page's first signals open it (the first-batch signals row), so no learner Durable Object, D1 write or analytics event is part of a launch any more. What is left is the gateway's own work and the local simulators of the state shard and KV. Per-request metrics reach analytics in one call per isolate per 250 ms. A launch happens once per learner per session, not per interaction.",
  ],
  [
    "API → analytics",
    "the overview adds what the metrics buffers hold but have not rolled up yet; each MetricsBufferDO keeps running per-minute aggregates in its memory as samples arrive (rebuilt from its SQLite when it starts), so that is a handful of groups per buffer and no query, whatever the recent traffic. The rest is the tenant's rollups and learning-event counts from D1 and one call to each service's buffer.",
  ],
  [
    "struggle → intervention",
    "the operation that tips the learner runs the detectors, chooses the intervention (the course's ratings from a per-isolate copy kept 5 min, not a D1 read per learner), calls chat's suggest over RPC (which reads the FAQ from D1), stores the intervention and the struggle event through the outbox (two entries, two D1 batches: the struggle is made durable before chat is awaited), sends the learning events to analytics and tells chat the learner's new level (updateLearnerProfile). The first SQLite statement of the socket message costs struggle-detector about 0.2 ms locally. It happens at most once per learner per 5 minutes.",
  ],
  [
    "chat: time our stack adds",
    "before the provider (the profiler's last column, what the learner waits for) a turn checks three budgets (the learner's and the tenant's Durable Objects; the tenant's limits come from a per-isolate copy kept 30 s, not KV), finds its FAQ candidates in the isolate's copy of the course's FAQ (kept 30 s, dropped by an operator change, ranked by BM25 in the Worker: no D1 query) and builds the prompt. A new conversation (every turn of this row) has no earlier messages and an id generated just then, so its Durable Object is not created before the model is asked: the object is created and the learner's message stored at the first token, always before the answer is stored. Locally that object's SQLite file is created on the calling thread (about 0.5 ms the profile charges to the first token's call site with the files in RAM, about 1.3 ms with `--disk`, plus its schema, created once and marked in its key-value storage), work Cloudflare does on the object's own machine; it is in the whole-turn figure, not before the provider. The gateway's ~1 ms is token verification and the forward. After the first token: the model's stream read with one decoder and parser, the learner's events of one read written in one chunk, the answer stored, the budgets settled, and (after the turn, as background work in the whole-turn figure) the conversation's alarm archiving the turn through the outbox as one D1 batch and sending the turn's learning event (queued in the object with the answer, so an analytics outage loses none), and the request metrics, taken when the stream ends (one send per service per 250 ms). Analytics' column is its handling of that event (it stores it; the learner's export snapshot is re-read at most once a minute, not per turn) and those metrics (one SQLite statement per batch in its buffer, the open aggregates in the object's memory). Locally ENVIRONMENT is development, where every D1 statement also reads the fault-injection record from KV (staging and production skip it).",
  ],
  [
    "chat: 50 conversations",
    "the same turn as above on conversations that already exist, under saturation. Before the provider the learner's admission also answers the window of earlier messages, from the learner object's copy of each conversation's last 10 messages (written by the last turn that ran alone on it; an overlapping or lost turn clears it and the next turn asks the conversation's object instead), so the conversation's object is not called before the model: the question is stored at the first token, as a new conversation's is. In the profiled pass each of the 50 learners comes round once every 50 turns, long enough for workerd to evict their objects: the learner's object is woken on every turn before the provider (locally opening its SQLite file on the calling thread, about 0.3-0.5 ms the profile charges to the admit call site with the files in RAM, about 0.8 ms with `--disk`, work Cloudflare does on the object's own machine), the conversation's after the first token, in the whole-turn figure. A woken object checks one schema mark in its key-value storage instead of re-running its CREATE TABLEs. Per-turn CPU falls as work is shared.",
  ],
];
