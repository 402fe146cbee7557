// Chat benchmark: the time our stack adds before the first token, and 500 concurrent
// conversations without an error. Runs the built chat Worker (dist/) alone in Miniflare with a
// Workers AI double of fixed latency (so the provider's own time is known and subtracted) and a
// stand-in analytics Worker; the system bench measures the same turn through the gateway.
// Run: npm run bench -- chat-first-token [--latency=200] [--samples=200] [--concurrent=500] [--disk]
import { auxiliaryWorker } from "@atomic-guide/testing/vitest-workers";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { migrate } from "../../../tests/support/system";
import { chooseStorageDir } from "../storage-dir";

const arg = (name: string, fallback: number): number => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split("=")[1]) : fallback;
};
/** Where the local storage files live, as in the system bench (src/storage-dir.ts). */
const storagePlace = chooseStorageDir(process.argv);
const LATENCY_MS = arg("latency", 200);
const SAMPLES = arg("samples", 200);
const CONCURRENT = arg("concurrent", 500);

// First chunk after exactly LATENCY_MS, like a model whose time to first token is fixed.
const AI_DOUBLE = `
import { WorkerEntrypoint } from "cloudflare:workers";
export default class extends WorkerEntrypoint {
  async fetch() { return new Response("AI double"); }
  async run() {
    const enc = new TextEncoder();
    return new ReadableStream({
      async start(c) {
        await new Promise((r) => setTimeout(r, ${LATENCY_MS}));
        for (const t of ["Fixed ", "latency ", "answer."]) c.enqueue(enc.encode("data: " + JSON.stringify({ response: t }) + "\\n\\n"));
        c.enqueue(enc.encode('data: {"response":"","usage":{"prompt_tokens":20,"completion_tokens":3}}\\n\\n'));
        c.enqueue(enc.encode("data: [DONE]\\n\\n"));
        c.close();
      },
    });
  }
}`;
const ANALYTICS_STANDIN = `
import { WorkerEntrypoint } from "cloudflare:workers";
export default class extends WorkerEntrypoint {
  async fetch() { return new Response("ok"); }
  async recordLearningEvents(events) { return { stored: events.length }; }
  async recordMetrics() {}
}`;

const chat = {
  ...auxiliaryWorker("chat", {
    // Production behaviour: no dev-only fault injection wrapped around D1.
    ENVIRONMENT: "production",
    BUDGET_TENANT_TOKENS_PER_DAY: 1_000_000_000,
    AI_FIRST_TOKEN_TIMEOUT_MS: 60_000,
    AI_TIMEOUT_MS: 120_000,
  }),
  serviceBindings: { AI: { name: "ai-double" }, ANALYTICS: { name: "atomic-guide-analytics" } },
};
const mf = new Miniflare(
  convertV4MiniflareOptions({
    workers: [
      chat,
      { name: "ai-double", modules: true, script: AI_DOUBLE, compatibilityDate: "2026-10-01" },
      { name: "atomic-guide-analytics", modules: true, script: ANALYTICS_STANDIN, compatibilityDate: "2026-10-01" },
    ],
  } as never),
);
await mf.ready;
await migrate((await mf.getD1Database("DB", "atomic-guide-chat")) as unknown as D1Database, "chat");

const authHeader = (userId: string) =>
  Buffer.from(
    JSON.stringify({ tenantId: "bench", userId, roles: ["Learner"], isInstructor: false, contextId: "course-1" }),
  ).toString("base64url");

interface Turn {
  ok: boolean;
  status?: number;
  text?: string;
  firstToken?: number;
  reply?: { provider?: string; conversationId?: string };
}

/** Sends one streamed message; resolves with ms to the first token event and whether `done` arrived. */
async function streamedMessage(userId: string, body: { message: string; conversationId?: string }): Promise<Turn> {
  const t0 = performance.now();
  const res = (await mf.dispatchFetch("http://chat/api/chat/message", {
    method: "POST",
    headers: { "X-Atomic-Auth": authHeader(userId), Accept: "text/event-stream", "content-type": "application/json" },
    body: JSON.stringify(body),
  })) as unknown as Response;
  if (res.status !== 200 || !res.body) return { ok: false, status: res.status, text: await res.text() };
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let firstToken: number | undefined;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (firstToken === undefined && value.includes("event: token")) firstToken = performance.now() - t0;
    text += value;
  }
  const doneEvent = text.split("\n\n").find((b) => b.startsWith("event: done"));
  const reply = doneEvent ? (JSON.parse(doneEvent.split("\ndata: ")[1] ?? "{}") as Turn["reply"]) : undefined;
  return { ok: reply?.provider === "workers-ai", firstToken, reply };
}

const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

try {
  // Warm-up: isolates, DO classes, KV caches.
  for (let i = 0; i < 20; i++) await streamedMessage(`warm-${i}`, { message: "What is a noun?" });

  // Floor: a request chat refuses at once (unknown route), i.e. the harness's own round trip.
  const floor: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    await (await mf.dispatchFetch("http://chat/nope", { headers: { "X-Atomic-Auth": authHeader("floor") } })).text();
    floor.push(performance.now() - t0);
  }
  floor.sort((a, b) => a - b);
  console.log(`local storage files ${storagePlace}`);
  console.log(`harness round trip (floor): p50 ${pct(floor, 50).toFixed(1)} ms, p95 ${pct(floor, 95).toFixed(1)} ms`);

  const overhead: number[] = [];
  let conversationId: string | undefined;
  for (let i = 0; i < SAMPLES; i++) {
    // A fresh learner every 9 messages keeps the per-minute budget out of the way.
    const user = `seq-${Math.floor(i / 9)}`;
    if (i % 9 === 0) conversationId = undefined;
    const r = await streamedMessage(user, {
      message: `What is a noun? (${i})`,
      ...(conversationId ? { conversationId } : {}),
    });
    if (!r.ok) throw new Error(`sequential message ${i} failed: ${JSON.stringify(r)}`);
    conversationId = r.reply?.conversationId;
    overhead.push((r.firstToken ?? Number.NaN) - LATENCY_MS);
  }
  overhead.sort((a, b) => a - b);
  console.log(
    `time our stack adds before the first token (provider double fixed at ${LATENCY_MS} ms, ${SAMPLES} samples): ` +
      `p50 ${pct(overhead, 50).toFixed(1)} ms, p95 ${pct(overhead, 95).toFixed(1)} ms, p99 ${pct(overhead, 99).toFixed(1)} ms`,
  );

  const t0 = performance.now();
  const results = await Promise.all(
    Array.from({ length: CONCURRENT }, (_, i) =>
      streamedMessage(`concurrent-${i}`, { message: `Explain nouns (${i})` }),
    ),
  );
  const seconds = (performance.now() - t0) / 1000;
  const errors = results.filter((r) => !r.ok);
  console.log(
    `${CONCURRENT} concurrent conversations: ${CONCURRENT - errors.length} answered, ${errors.length} errors, ${seconds.toFixed(1)} s`,
  );
  if (errors.length > 0) {
    console.error(JSON.stringify(errors.slice(0, 3)));
    process.exitCode = 1;
  }
} finally {
  await mf.dispose();
}
