// `--load`: many chat conversations and open signal sockets held at once for a fixed time,
// counting every error and sampling workerd's memory. Bounded in count and time, loopback only.
import { setTimeout as sleep } from "node:timers/promises";
import { chatTurn } from "./chat-client";
import { type BenchFixture, inBatches } from "./fixture";
import { percentile, processCpuMs, processMemoryMiB, type Workerd } from "./load";
import { readingBatch, SignalSocket } from "./signals";

export interface SustainedSpec {
  conversations: number;
  sockets: number;
  seconds: number;
  /**
   * A conversation's pause between turns is thinkMs plus up to thinkJitterMs: a learner reads
   * the answer and types the next question. Its first turn comes at a random point of the
   * first pause, so the conversations overlap as real ones do instead of starting in lockstep.
   */
  thinkMs: number;
  thinkJitterMs: number;
  /** How often each open socket sends a 20-signal batch (and must get its ack). */
  socketBatchEveryMs: number;
}

/** The `--load` window: a learner reads an answer and types the next question, one turn every 20–30 s per conversation. */
export function sustainedSpec(quick: boolean): SustainedSpec {
  return quick
    ? {
        conversations: 50,
        sockets: 100,
        seconds: 15,
        thinkMs: 20_000,
        thinkJitterMs: 10_000,
        socketBatchEveryMs: 15_000,
      }
    : {
        conversations: 500,
        sockets: 1000,
        seconds: 60,
        thinkMs: 20_000,
        thinkJitterMs: 10_000,
        socketBatchEveryMs: 15_000,
      };
}

export interface SustainedResult {
  spec: SustainedSpec;
  launchSeconds: number;
  chat: {
    turns: number;
    errors: number;
    /** Turns answered, but by the offline fallback because the model's first token came too late. */
    fallbacks: number;
    /** The most turns waiting for an answer at one moment. */
    maxInFlight: number;
    p50: number;
    p95: number;
    p99: number;
    firstTokenP50: number;
  };
  sockets: { opened: number; openAtEnd: number; batches: number; errors: number; ackP50: number; ackP95: number };
  memoryMiB: { before: number; peakSampled: number; end: number; highWaterMark: number };
  cpuMs: number;
  errors: number;
  errorSamples: string[];
}

export async function runSustained(
  fixture: BenchFixture,
  workerd: Workerd,
  spec: SustainedSpec,
  log: (msg: string) => void,
): Promise<SustainedResult> {
  const errorSamples = new Set<string>();
  const noteError = (msg: string) => {
    if (errorSamples.size < 8) errorSamples.add(msg.slice(0, 200));
  };

  const t0 = performance.now();
  const users = await fixture.learners(Math.max(spec.conversations, spec.sockets));
  const launchSeconds = (performance.now() - t0) / 1000;
  log(`${users.length} learners launched in ${launchSeconds.toFixed(1)} s`);

  const before = processMemoryMiB(workerd).rss;
  let socketErrors = 0;
  const sockets = (
    await inBatches(spec.sockets, 32, async (i) => {
      try {
        return await SignalSocket.open(fixture, users[i]!);
      } catch (e) {
        socketErrors++;
        noteError(`socket ${i}: ${String(e)}`);
        return null;
      }
    })
  ).filter((s): s is SignalSocket => s !== null);
  log(
    `${sockets.length} signal sockets open; holding them with ${spec.conversations} conversations for ${spec.seconds} s`,
  );

  let peak = processMemoryMiB(workerd).rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, processMemoryMiB(workerd).rss);
  }, 1000);
  const cpuBefore = processCpuMs(workerd);
  const deadline = performance.now() + spec.seconds * 1000;

  const turnLatencies: number[] = [];
  const firstTokens: number[] = [];
  let chatErrors = 0;
  let fallbacks = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const conversation = async (k: number) => {
    let conversationId: string | undefined;
    await sleep(Math.random() * spec.thinkMs);
    while (performance.now() < deadline) {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        const turn = await chatTurn(fixture, users[k]!, conversationId);
        if (turn.ok) {
          conversationId = turn.conversationId;
          if (turn.provider !== "external") fallbacks++;
          turnLatencies.push(turn.totalMs);
          firstTokens.push(turn.firstTokenMs);
        } else {
          chatErrors++;
          noteError(`chat ${k}: ${turn.status} ${turn.error ?? ""}`);
        }
      } catch (e) {
        chatErrors++;
        noteError(`chat ${k}: ${String(e)}`);
      } finally {
        inFlight--;
      }
      await sleep(spec.thinkMs + Math.random() * spec.thinkJitterMs);
    }
  };

  const ackLatencies: number[] = [];
  let batches = 0;
  const socketTraffic = async (s: SignalSocket, k: number) => {
    // Spread the sockets' batches evenly over the interval.
    await sleep((k / sockets.length) * spec.socketBatchEveryMs);
    for (let round = 0; performance.now() < deadline; round++) {
      const sent = performance.now();
      const ack = await Promise.race([
        s.send(readingBatch(`load-${k}-${round}`)),
        sleep(10_000).then(() => ({ type: "timeout" })),
      ]);
      batches++;
      if (ack.type === "ack") ackLatencies.push(performance.now() - sent);
      else {
        socketErrors++;
        noteError(`socket ${k}: ${JSON.stringify(ack)}`);
        if (!s.open) return;
      }
      await sleep(spec.socketBatchEveryMs);
    }
  };

  await Promise.all([
    ...Array.from({ length: spec.conversations }, (_, k) => conversation(k)),
    ...sockets.map((s, k) => socketTraffic(s, k)),
  ]);
  clearInterval(sampler);
  const cpuMs = processCpuMs(workerd) - cpuBefore;
  const openAtEnd = sockets.filter((s) => s.open).length;
  socketErrors += sockets.length - openAtEnd;
  const memory = processMemoryMiB(workerd);
  for (const s of sockets) s.close();

  turnLatencies.sort((a, b) => a - b);
  firstTokens.sort((a, b) => a - b);
  ackLatencies.sort((a, b) => a - b);
  return {
    spec,
    launchSeconds,
    chat: {
      turns: turnLatencies.length + chatErrors,
      errors: chatErrors,
      fallbacks,
      maxInFlight,
      p50: percentile(turnLatencies, 50),
      p95: percentile(turnLatencies, 95),
      p99: percentile(turnLatencies, 99),
      firstTokenP50: percentile(firstTokens, 50),
    },
    sockets: {
      opened: sockets.length,
      openAtEnd,
      batches,
      errors: socketErrors,
      ackP50: percentile(ackLatencies, 50),
      ackP95: percentile(ackLatencies, 95),
    },
    memoryMiB: { before, peakSampled: Math.max(peak, memory.rss), end: memory.rss, highWaterMark: memory.peak },
    cpuMs,
    errors: chatErrors + socketErrors,
    errorSamples: [...errorSamples],
  };
}
