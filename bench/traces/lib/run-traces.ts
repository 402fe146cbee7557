import { api, launch } from "../../../testing/flows";
import type { RunningSystem } from "../../../testing/system";
import type { LoadedTrace, Trace } from "./format";
import { type ReplayResult, replayTrace, type SignalsReply } from "./replay";

/** What replaying needs of the system: requests to its gateway (in-process or a running one). */
export type Gateway = Pick<RunningSystem, "fetch">;

/**
 * Launches one fresh learner per trace through the gateway (a real LTI launch from the simulated
 * LMS), so no trace inherits another's state, and replays the trace as that learner.
 */
export async function replayThroughGateway(
  gateway: Gateway,
  traces: LoadedTrace[],
  options: { runId?: string; onResult?: (file: string, result: ReplayResult) => void } = {},
): Promise<{ trace: Trace; result: ReplayResult }[]> {
  const runId = options.runId ?? Date.now().toString(36);
  const out: { trace: Trace; result: ReplayResult }[] = [];
  for (const [i, { file, trace }] of traces.entries()) {
    const learner = await launch(gateway as RunningSystem, {
      role: "learner",
      userId: `replay-${runId}-${i}`,
      name: `Replay ${trace.archetype} ${i}`,
      ...(trace.courseId ? { contextId: trace.courseId } : {}),
    });
    const result = await replayTrace(trace, async (batch) => {
      const res = await api(gateway as RunningSystem, learner.apiToken, "/api/cognitive/signals", { body: batch });
      if (res.status !== 202) throw new Error(`${file}: signals answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as SignalsReply;
    });
    options.onResult?.(file, result);
    out.push({ trace, result });
  }
  return out;
}
