// An OpenAI-compatible chat completions server on loopback with a fixed time to first token:
// the outside world (an external LLM API) replaced at the HTTP boundary, so the chat figures
// measure our stack and not a model.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ProviderDouble {
  /** What chat's EXTERNAL_AI_BASE_URL is set to. */
  baseUrl: string;
  delayMs: number;
  /** Completions answered so far. */
  calls(): number;
  /**
   * When each completion request reached the double, in µs of process.hrtime: the same
   * CLOCK_MONOTONIC as V8's profile timestamps, so the profiled pass can cut a turn's CPU at the
   * moment our stack handed it to the provider.
   */
  arrivalsUs(): readonly number[];
  close(): Promise<void>;
}

const TOKENS = ["Start ", "by ", "isolating ", "x: ", "subtract ", "7 ", "from ", "both ", "sides."];

export async function startProviderDouble(delayMs: number): Promise<ProviderDouble> {
  let calls = 0;
  const arrivals: number[] = [];
  const server: Server = createServer((req, res) => {
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
      res.writeHead(404).end();
      return;
    }
    arrivals.push(Number(process.hrtime.bigint() / 1000n));
    req.resume();
    req.on("end", () => {
      calls++;
      setTimeout(() => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        for (const content of TOKENS) {
          res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`);
        }
        res.write(
          `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 120, completion_tokens: TOKENS.length } })}\n\n`,
        );
        res.end("data: [DONE]\n\n");
      }, delayMs);
    });
  });
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    delayMs,
    calls: () => calls,
    arrivalsUs: () => arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
