// Issue 18 asks that the upper-bound column not get worse while the per-Worker CPU comes down.
// This section holds every row against the figures the issue started from, written down here
// because a later run cannot measure an old commit's code on today's host.
import type { LoadResult } from "./load";

/** The commit whose docs/benchmarks.md the issue quotes (its "Requests" table). */
export const BASELINE_COMMIT = "6b0c3bf";

/**
 * From that table: workerd CPU per operation (ms, upper bound) and its ratio to the floor of the
 * same run. At that commit no row counted work deferred to a later alarm.
 */
const BASELINE: ReadonlyMap<string, { cpuMs: number; vsFloor: number }> = new Map([
  ["gateway: unknown route (404 envelope)", { cpuMs: 0.7, vsFloor: 8.1 }],
  ["gateway: GET /health (all four services)", { cpuMs: 7.355, vsFloor: 85.5 }],
  ["LTI launch: init → redirect → signed id_token → launch", { cpuMs: 18.78, vsFloor: 218.4 }],
  ["API → struggle-detector: GET /api/learners/me/profile", { cpuMs: 2.185, vsFloor: 25.4 }],
  ["API → chat: GET /api/chat/conversations", { cpuMs: 2.195, vsFloor: 25.5 }],
  ["API → analytics: GET /api/analytics/overview", { cpuMs: 21.525, vsFloor: 250.3 }],
  ["signals over HTTP: POST /api/cognitive/signals (20 signals)", { cpuMs: 2.55, vsFloor: 29.7 }],
  ["signals over WebSocket: /ws/signals (20 signals)", { cpuMs: 0.7, vsFloor: 8.1 }],
  ["struggle → intervention on the socket", { cpuMs: 14.2, vsFloor: 61.7 }],
  ["chat: time our stack adds before the first token (SSE)", { cpuMs: 31.4, vsFloor: 136.5 }],
  ["chat: 50 conversations, turns back to back (SSE, whole turn)", { cpuMs: 19.05, vsFloor: 221.5 }],
]);

/**
 * How far above the baseline's ratio a row may land and still count as level: the same code's
 * ratio moves by about this much between runs on this host (docs/benchmarks.md, profiler notes).
 */
const LEVEL_MARGIN = 0.1;

interface BaselineRow {
  name: string;
  result: LoadResult;
  /** The same run's floor CPU per operation at this row's concurrency. */
  floorCpuMs: number | undefined;
}

const f = (n: number) => (n >= 10 ? n.toFixed(1) : n.toFixed(2));

function verdict(then: number, now: number): string {
  if (now < then * (1 - LEVEL_MARGIN)) return "better";
  if (now <= then * (1 + LEVEL_MARGIN)) return "level";
  return "**worse**";
}

export function baselineSection(rows: readonly BaselineRow[]): string {
  const lines = [
    `| scenario | CPU ms/op at ${BASELINE_COMMIT} | now | CPU vs floor at ${BASELINE_COMMIT} | now | verdict (by the ratio) |`,
    "| --- | ---: | ---: | ---: | ---: | --- |",
  ];
  let worse = 0;
  for (const { name, result, floorCpuMs } of rows) {
    const then = BASELINE.get(name);
    if (!then || !floorCpuMs) continue;
    // Deferred work was not counted then, so the comparison uses the operations' own window.
    const comparable = result.cpuMsPerRequestInWindow ?? result.cpuMsPerRequest;
    const ratio = comparable / floorCpuMs;
    const said = verdict(then.vsFloor, ratio);
    if (said.includes("worse")) worse++;
    const now =
      result.cpuMsPerRequestInWindow === undefined
        ? f(result.cpuMsPerRequest)
        : `${f(comparable)} in its window (${f(result.cpuMsPerRequest)} with its deferred work)`;
    lines.push(
      `| ${name} | ${f(then.cpuMs)} | ${now} | ${then.vsFloor.toFixed(1)}× | ${ratio.toFixed(1)}× | ${said} |`,
    );
  }
  if (lines.length === 2) return "";
  return `## The upper bound against issue 18's starting point

Every row the issue quoted, against that commit's figures (written down in
\`bench/src/baseline-report.ts\`). The verdict goes by the ratio to the floor measured in the same
run, because the host's speed moves the floors themselves between runs; within ${LEVEL_MARGIN * 100}% either way
counts as level. Rows that now also count the work they defer to a later alarm (the debounced D1
copy) are compared by the CPU in the operations' own window, which is all ${BASELINE_COMMIT} counted.
${worse === 0 ? "No row is worse." : `${worse} row${worse === 1 ? " is" : "s are"} worse.`}

${lines.join("\n")}
`;
}
