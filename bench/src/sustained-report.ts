// The sustained-load section of docs/benchmarks.md (`npm run bench -- --load`).
import type { SustainedResult } from "./sustained";

const ms = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

/** The `--load` section of docs/benchmarks.md. */
export function sustainedSection(s: SustainedResult, providerDelayMs: number): string {
  const opsCount = s.chat.turns + s.sockets.batches;
  return `## Sustained load (\`--load\`)

${s.spec.conversations} chat conversations and ${s.spec.sockets} open \`/ws/signals\` sockets, one learner each
(every learner from a real launch), held together for ${s.spec.seconds} s on this machine. Each conversation
sends its first turn at a random moment of the first ${(s.spec.thinkMs / 1000).toFixed(0)} s, then one turn every
${(s.spec.thinkMs / 1000).toFixed(0)}–${((s.spec.thinkMs + s.spec.thinkJitterMs) / 1000).toFixed(0)} s (a learner reading the answer and typing the next question; under chat's
default 10 messages a minute), each a streamed answer from the model double (${providerDelayMs} ms to first token). Every
socket sends a 20-signal batch every ${(s.spec.socketBatchEveryMs / 1000).toFixed(0)} s and must get its \`ack\` within 10 s; a socket
closed before the end counts as an error. Launching the learners the earlier scenarios had not
launched took ${s.launchSeconds.toFixed(1)} s (not in the window).

| figure | value |
| --- | ---: |
| **errors (must be 0)** | **${s.errors}** |
| chat turns answered / failed | ${s.chat.turns - s.chat.errors} / ${s.chat.errors} |
| chat turns answered by the offline fallback (model's first token not in time) | ${s.chat.fallbacks} |
| chat turns in flight at once, at most | ${s.chat.maxInFlight} |
| chat whole turn p50 / p95 / p99 ms | ${ms(s.chat.p50, 0)} / ${ms(s.chat.p95, 0)} / ${ms(s.chat.p99, 0)} |
| chat first token p50 ms (includes the double's ${providerDelayMs} ms) | ${ms(s.chat.firstTokenP50, 0)} |
| signal sockets opened / still open at the end | ${s.sockets.opened} / ${s.sockets.openAtEnd} |
| signal batches acknowledged / failed | ${s.sockets.batches - s.sockets.errors} / ${s.sockets.errors} |
| signal batch ack p50 / p95 ms | ${ms(s.sockets.ackP50, 1)} / ${ms(s.sockets.ackP95, 1)} |
| workerd RSS before the window (MiB) | ${s.memoryMiB.before.toFixed(0)} |
| workerd RSS peak sampled each second (MiB) | ${s.memoryMiB.peakSampled.toFixed(0)} |
| workerd RSS at the end (MiB) | ${s.memoryMiB.end.toFixed(0)} |
| workerd VmHWM, the whole run (MiB) | ${s.memoryMiB.highWaterMark.toFixed(0)} |
| workerd CPU per operation in the window (ms, upper bound) | ${(s.cpuMs / Math.max(1, opsCount)).toFixed(3)} |
${s.errorSamples.length ? `\nFirst errors:\n\n${s.errorSamples.map((e) => `- \`${e}\``).join("\n")}\n` : ""}
The memory is the whole workerd process: the four Workers' isolates, every Durable Object
instance (one per learner for struggle detection; per learner and per conversation for chat),
the open sockets, and the local D1/KV/R2 simulators. It is what one local process needs to
hold this load; on Cloudflare the same objects are spread over many isolates and machines,
each isolate under the 128 MB limit.
`;
}
