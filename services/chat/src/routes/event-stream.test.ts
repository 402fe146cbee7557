import { describe, expect, it } from "vitest";
import { EventStreamWriter } from "./event-stream";

async function reads(stream: ReadableStream<Uint8Array>): Promise<string[]> {
  const decoder = new TextDecoder();
  const out: string[] = [];
  for await (const chunk of stream) out.push(decoder.decode(chunk));
  return out;
}

describe("EventStreamWriter", () => {
  it("writes the events sent in one run as one chunk, in order, in the SSE wire format", async () => {
    const stream = new EventStreamWriter();
    const collected = reads(stream.readable);
    void stream.send("token", { text: "Hel" });
    void stream.send("token", { text: "lo" });
    await stream.send("token", { text: '"!"' });
    await stream.send("done", { response: "Hello" });
    await stream.close();
    expect(await collected).toEqual([
      'event: token\ndata: {"text":"Hel"}\n\nevent: token\ndata: {"text":"lo"}\n\nevent: token\ndata: {"text":"\\"!\\""}\n\n',
      'event: done\ndata: {"response":"Hello"}\n\n',
    ]);
  });

  it("writes what is still pending before it closes", async () => {
    const stream = new EventStreamWriter();
    const collected = reads(stream.readable);
    void stream.send("error", { error: { code: "x", message: "y" } });
    await stream.close();
    expect(await collected).toEqual(['event: error\ndata: {"error":{"code":"x","message":"y"}}\n\n']);
  });
});
