// "How far one tenant goes": capacity figures computed from this run's per-operation costs and
// the platform's published per-object and per-database limits, not measured at scale (one
// machine cannot). Each figure says which single thing saturates first and what the design
// does past it.
import { objectsWorkerOf } from "@atomic-guide/testing/system";
import type { D1PerOperation } from "./d1-usage";
import type { ProfiledFigures } from "./profiled-pass";

/**
 * Durable Objects limits page, FAQ "How much work can a single Durable Object do?": each object
 * is single-threaded, with a soft limit of 1,000 requests per second.
 */
const DO_SOFT_LIMIT_PER_S = 1000;
/**
 * D1 limits page, FAQ "How much work can a single D1 database do?": a database is
 * single-threaded and runs queries one at a time, so throughput ≈ 1 s / query duration
 * (1 ms queries → about 1,000 per second). The SQL time here is the local SQLite's
 * (`meta.duration`, the same engine D1 runs), without the network.
 */
const D1_MS_PER_S = 1000;
/**
 * What the ceilings charge a statement: the D1 docs' own example query. The local SQLite's
 * time says little about production D1 (no network, and it stretches with this machine's load),
 * so it is shown but not used.
 */
const D1_MS_PER_STATEMENT = 1;
/** apps/web's signal batcher flushes every 5 s while a learner works (signals/batcher.ts). */
const SIGNAL_BATCH_EVERY_S = 5;
/** A learner in a conversation reads the answer and asks again: one turn per ~25 s (as the sustained bench). */
const CHAT_TURN_EVERY_S = 25;
/** Chat's tenant budget object is called twice per turn (reserve before the model, settle after). */
const TENANT_BUDGET_CALLS_PER_TURN = 2;

export interface ScaleInput {
  name: string;
  profile?: ProfiledFigures;
  d1?: D1PerOperation[] | null;
}

const fmt = (n: number) =>
  !Number.isFinite(n) ? "n/a" : n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(n >= 10 ? 0 : 1);

/** A database's time per operation, at the charged time per statement. */
const chargedMs = (d: D1PerOperation) => d.statements * D1_MS_PER_STATEMENT;

/** Operations per second one database can carry if it served only this operation. */
function d1Ceiling(d1: D1PerOperation[]): { service: string; perS: number } | undefined {
  const worst = [...d1].sort((a, b) => chargedMs(b) - chargedMs(a))[0];
  return worst && chargedMs(worst) > 0 ? { service: worst.service, perS: D1_MS_PER_S / chargedMs(worst) } : undefined;
}

function d1Table(rows: ScaleInput[]): string[] {
  const lines = [
    `| scenario | D1 statements per operation, by service's database | local SQL ms per operation (this machine) | one database alone carries (${D1_MS_PER_STATEMENT} ms a statement) |`,
    "| --- | --- | --- | ---: |",
  ];
  for (const r of rows) {
    if (!r.d1?.length) continue;
    const ceiling = d1Ceiling(r.d1);
    lines.push(
      `| ${r.name} | ${r.d1.map((d) => `${d.service} ${d.statements.toFixed(1)}`).join(", ")} | ` +
        `${r.d1.map((d) => `${d.service} ${d.sqlMs.toFixed(2)}`).join(", ")} | ` +
        `${ceiling ? `${fmt(ceiling.perS)} op/s (${ceiling.service})` : "n/a"} |`,
    );
  }
  return lines;
}

/** The first row of that name with D1 figures, else the first of that name. */
const find = (rows: ScaleInput[], prefix: string) =>
  rows.find((r) => r.name.startsWith(prefix) && r.d1?.length) ?? rows.find((r) => r.name.startsWith(prefix));
const workerP50 = (r: ScaleInput | undefined, worker: string) =>
  r?.profile?.workers.find((w) => w.worker === worker || w.worker === `atomic-guide-${worker}`)?.p50Ms;

function limitsTable(rows: ScaleInput[]): string[] {
  const signals = find(rows, "signals over HTTP: POST");
  const chat = [find(rows, "chat: 50 conversations"), find(rows, "chat: time our stack")].find((r) => r?.d1?.length);
  // A launch writes no D1; the session it names does, at the page's first signals.
  const sessionStart = find(rows, "signals over HTTP, a session's first batch");
  const lines = [
    "| load | single thing | its limit | operations per second | learners at that rate |",
    "| --- | --- | --- | ---: | ---: |",
  ];
  if (signals) {
    // The batch's work in the learner's object (run apart in the bench), else in the Worker.
    const sdMs = workerP50(signals, objectsWorkerOf("struggle-detector")) ?? workerP50(signals, "struggle-detector");
    lines.push(
      `| signals (a 20-signal batch every ${SIGNAL_BATCH_EVERY_S} s per learner) | the learner's own struggle-detector object | ` +
        `${DO_SOFT_LIMIT_PER_S.toLocaleString("en-US")} req/s soft limit${sdMs ? `; ${sdMs.toFixed(2)} ms JS CPU per batch` : ""} | ` +
        `${fmt(Math.min(DO_SOFT_LIMIT_PER_S, sdMs ? 1000 / sdMs : DO_SOFT_LIMIT_PER_S))} per learner | not a limit: one object per learner |`,
    );
    const ceiling = signals.d1?.length ? d1Ceiling(signals.d1) : undefined;
    if (ceiling)
      lines.push(
        `| signals | the tenant's ${ceiling.service} database (shared, or its own) | one query at a time | ${fmt(ceiling.perS)} | ${fmt(ceiling.perS * SIGNAL_BATCH_EVERY_S)} |`,
      );
    lines.push(
      `| every request, all tenants together | the one metrics buffer object per service | ${DO_SOFT_LIMIT_PER_S.toLocaleString("en-US")} req/s soft limit (one batch per Worker invocation) | ` +
        `${fmt(DO_SOFT_LIMIT_PER_S)} | ${fmt(DO_SOFT_LIMIT_PER_S * SIGNAL_BATCH_EVERY_S)} sending signals over HTTP |`,
    );
  }
  if (chat) {
    const budget = DO_SOFT_LIMIT_PER_S / TENANT_BUDGET_CALLS_PER_TURN;
    lines.push(
      `| chat turns (one per ${CHAT_TURN_EVERY_S} s per chatting learner) | the tenant's budget object (chat) | ${TENANT_BUDGET_CALLS_PER_TURN} calls per turn | ${fmt(budget)} | ${fmt(budget * CHAT_TURN_EVERY_S)} |`,
    );
    const ceiling = chat.d1?.length ? d1Ceiling(chat.d1) : undefined;
    if (ceiling)
      lines.push(
        `| chat turns | the tenant's ${ceiling.service} database | one query at a time | ${fmt(ceiling.perS)} | ${fmt(ceiling.perS * CHAT_TURN_EVERY_S)} |`,
      );
  }
  const sessionCeiling = sessionStart?.d1?.length ? d1Ceiling(sessionStart.d1) : undefined;
  if (sessionCeiling)
    lines.push(
      `| new sessions (a launch, then its page's first signals) | the tenant's ${sessionCeiling.service} database | one query at a time | ${fmt(sessionCeiling.perS)} | ${fmt(sessionCeiling.perS * 60)} starting in the same minute |`,
    );
  return lines;
}

export function scaleSection(rows: ScaleInput[]): string {
  const measured = rows.filter((r) => r.d1?.length);
  if (measured.length === 0) {
    return "## How far one tenant goes\n\nNot computed in this run (no D1 figures: run without `--only`, or analytics dropped samples).\n";
  }
  return `## How far one tenant goes

Computed, not measured at scale: each figure divides a platform limit by this run's cost per
operation. A Durable Object is single-threaded with a soft limit of ${DO_SOFT_LIMIT_PER_S.toLocaleString("en-US")} requests per second
(Durable Objects limits, FAQ); a D1 database runs one query at a time, so it carries about
1 s ÷ (query time per operation) operations per second (D1 limits, FAQ). D1 statements and their SQL
time per operation are what the system itself recorded (\`GET /admin/metrics\`, every statement
through shared's D1 metrics wrapper) across each scenario's operations, background work they
caused included (outbox flushes, learning events, metrics rollups). Each statement is charged
${D1_MS_PER_STATEMENT} ms (the D1 docs' example query): the local SQLite's own time is shown, but it has no
network and stretches with this machine's load, so it is no guide to production D1.

${d1Table(measured).join("\n")}

What one tenant can drive before a single object or database is the limit:

${limitsTable(rows).join("\n")}

Past these limits:

- **A tenant's database**: \`scripts/ops/tenant-db.mjs add <tenant>\` gives a tenant its own D1 in
  every service (docs/operations.md), so its load stops sharing the one-query-at-a-time budget with
  other tenants; the figures above then hold per tenant.
- **Learner objects** scale out by construction: one struggle-detector object per learner, one chat
  object per learner and per conversation; no learner's traffic queues behind another's.
- **Chat's tenant budget object** is the one per-tenant object on the turn path: at its soft limit a
  tenant would be running about ${fmt(DO_SOFT_LIMIT_PER_S / TENANT_BUDGET_CALLS_PER_TURN)} turns a second, far beyond any model quota; the
  step past it is splitting the daily allowance over several objects.
- **The metrics buffer** (one object per service, shared by every tenant) takes one batch per Worker
  invocation; it is the first shared object a large deployment reaches. Samples that cannot be
  delivered are counted as dropped, never block a request (shared/metrics/recorder.ts); the step
  past it is sharding the buffer per service (several objects chosen per isolate, read together).
`;
}
