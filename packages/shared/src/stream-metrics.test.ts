import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { handleWithEnvelope } from "./http";
import { capturingSink } from "./metrics/capturing-sink";
import { metricsSendSettled, metricsStats } from "./metrics/recorder";

describe("a streamed response's request metrics", () => {
  it("are taken when the stream ends, not when the headers go out", async () => {
    await metricsSendSettled();
    const { sink, batches } = capturingSink();
    const ctx = createExecutionContext();
    const { promise: ended, resolve: end } = Promise.withResolvers<void>();
    const buffered = metricsStats().buffered;
    const response = await handleWithEnvelope(
      "chat",
      new Request("http://chat/api/chat/message", { method: "POST" }),
      { env: {}, ctx, metrics: sink },
      async ({ measureUntil }) => {
        measureUntil(ended);
        return new Response("streaming");
      },
    );
    expect(response.status).toBe(200);
    // The headers are out and the stream has not ended: no sample yet.
    expect(metricsStats().buffered).toBe(buffered);
    end();
    await waitOnExecutionContext(ctx);
    expect(batches.flatMap((b) => b.samples)).toEqual([
      expect.objectContaining({ kind: "request", service: "chat", status: 200, method: "POST" }),
    ]);
  });

  it("are taken at once when the handler failed after naming a stream end", async () => {
    await metricsSendSettled();
    const { sink, batches } = capturingSink();
    const ctx = createExecutionContext();
    const response = await handleWithEnvelope(
      "chat",
      new Request("http://chat/api/chat/message", { method: "POST" }),
      { env: {}, ctx, metrics: sink },
      async ({ measureUntil }) => {
        measureUntil(new Promise(() => undefined));
        throw new Error("boom");
      },
    );
    expect(response.status).toBe(500);
    await waitOnExecutionContext(ctx);
    expect(batches.flatMap((b) => b.samples)).toEqual([expect.objectContaining({ kind: "request", status: 500 })]);
  });
});
