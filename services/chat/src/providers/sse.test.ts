import { describe, expect, it } from "vitest";
import { sseDataBatches } from "./sse";

/** A body that delivers each string as one read. */
function body(reads: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const r of reads) controller.enqueue(encoder.encode(r));
      controller.close();
    },
  });
}

async function batches(reads: string[], signal = new AbortController().signal): Promise<string[][]> {
  const out: string[][] = [];
  for await (const batch of sseDataBatches(body(reads), signal)) out.push(batch);
  return out;
}

describe("sseDataBatches", () => {
  it("gives the events of one read together, and an event split over reads once complete", async () => {
    expect(await batches(["data: a\n\ndata: b\n\n", "data: c", "\n\ndata: d\n\n"])).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
  });

  it("dispatches a last event the server ended without its blank line", async () => {
    expect(await batches(["data: a\n\n", "data: last"])).toEqual([["a"], ["last"]]);
  });

  it("decodes a character split between reads", async () => {
    const bytes = new TextEncoder().encode("data: é\n\n");
    const split = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 7));
        controller.enqueue(bytes.slice(7));
        controller.close();
      },
    });
    const out: string[][] = [];
    for await (const batch of sseDataBatches(split, new AbortController().signal)) out.push(batch);
    expect(out).toEqual([["é"]]);
  });

  it("stops with the abort's reason", async () => {
    const controller = new AbortController();
    const reason = new Error("given up");
    const endless = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => undefined) });
    const reading = (async () => {
      for await (const _ of sseDataBatches(endless, controller.signal)) return "got data";
      return "ended";
    })();
    controller.abort(reason);
    await expect(reading).rejects.toBe(reason);
  });
});
