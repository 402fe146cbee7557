import type { Signal } from "../../../packages/shared/src/signals";
import type { Trace } from "./format";

/** The web client's batching (apps/web/src/signals/batcher.ts): a batch leaves after 5 s or at 100 signals. */
const FLUSH_INTERVAL_MS = 5_000;
const MAX_BATCH = 100;

export interface SignalsReply {
  struggle: { level: "none" | "watch" | "struggling"; score: number };
}

/** Sends one batch the way the client does (POST /api/cognitive/signals) and returns the reply. */
export type SendBatch = (batch: { signals: Signal[] }) => Promise<SignalsReply>;

export interface ReplayResult {
  detected: boolean;
  /** Offset of the last signal in the batch whose reply first said "struggling". */
  detectedAtMs?: number;
  maxScore: number;
}

/** Groups a trace's signals into the batches the client would have sent. */
export function batchesOf(trace: Trace): Trace["signals"][] {
  const batches: Trace["signals"][] = [];
  let current: Trace["signals"] = [];
  for (const s of trace.signals) {
    const first = current[0];
    if (first && (s.offsetMs - first.offsetMs >= FLUSH_INTERVAL_MS || current.length >= MAX_BATCH)) {
      batches.push(current);
      current = [];
    }
    current.push(s);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Replays a trace: `at = replayStart + offsetMs`, with replayStart chosen so the whole trace lies
 * just before now (the API refuses future and day-old signals), then batch by batch, in order.
 */
export async function replayTrace(trace: Trace, send: SendBatch, nowMs = Date.now()): Promise<ReplayResult> {
  const last = trace.signals.at(-1)?.offsetMs ?? 0;
  const replayStart = nowMs - last - 1_000;
  let detectedAtMs: number | undefined;
  let maxScore = 0;
  for (const batch of batchesOf(trace)) {
    const signals = batch.map(({ offsetMs, ...s }) => ({ ...s, at: new Date(replayStart + offsetMs).toISOString() }));
    const reply = await send({ signals });
    maxScore = Math.max(maxScore, reply.struggle.score);
    if (detectedAtMs === undefined && reply.struggle.level === "struggling") {
      detectedAtMs = batch.at(-1)?.offsetMs ?? 0;
    }
  }
  return { detected: detectedAtMs !== undefined, maxScore, ...(detectedAtMs === undefined ? {} : { detectedAtMs }) };
}
