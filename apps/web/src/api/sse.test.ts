import { describe, expect, it } from "vitest";
import { toDone, tokenText } from "./chat";
import { readSse, SseParser } from "./sse";

describe("SseParser", () => {
  it("dispatches events on blank lines, joining multi-line data", () => {
    const p = new SseParser();
    expect(p.push("event: token\ndata: a\ndata: b\n\nevent: done\ndata: {}\n\n")).toEqual([
      { event: "token", data: "a\nb" },
      { event: "done", data: "{}" },
    ]);
  });

  it("handles events split across chunks at any point, including inside CRLF", () => {
    const text = "event: token\r\ndata: hello world\r\n\r\n";
    for (let cut = 1; cut < text.length; cut++) {
      const p = new SseParser();
      const events = [...p.push(text.slice(0, cut)), ...p.push(text.slice(cut))];
      expect(events, `cut at ${cut}`).toEqual([{ event: "token", data: "hello world" }]);
    }
  });

  it("ignores comments, unknown fields and a leading BOM; defaults the event name", () => {
    const p = new SseParser();
    expect(p.push("\uFEFF: keep-alive\nretry: 5\nfoo: bar\ndata:x\n\n")).toEqual([{ event: "message", data: "x" }]);
  });

  it("keeps the id and drops events with no data", () => {
    const p = new SseParser();
    expect(p.push("event: token\n\nid: 7\ndata: y\n\n")).toEqual([{ event: "message", data: "y", id: "7" }]);
  });

  it("flushes a final event left without a blank line at the end of the stream", () => {
    const p = new SseParser();
    expect(p.push('event: done\ndata: {"a":1}')).toEqual([]);
    expect(p.end()).toEqual([{ event: "done", data: '{"a":1}' }]);
  });

  it("reads a byte stream whose chunks split a multi-byte character", async () => {
    const bytes = new TextEncoder().encode("event: token\ndata: π≈3.14\n\n");
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (const b of bytes) c.enqueue(new Uint8Array([b]));
        c.close();
      },
    });
    const events = [];
    for await (const e of readSse(body)) events.push(e);
    expect(events).toEqual([{ event: "token", data: "π≈3.14" }]);
  });
});

describe("chat stream payloads", () => {
  it("reads token text from bare strings and common JSON shapes", () => {
    expect(tokenText('{"token":"Hi"}')).toBe("Hi");
    expect(tokenText('{"text":" there"}')).toBe(" there");
    expect(tokenText('"quoted"')).toBe("quoted");
    expect(tokenText("plain words")).toBe("plain words");
    expect(tokenText('{"other":1}')).toBe("");
  });

  it("keeps only well-typed fields of the done event", () => {
    expect(
      toDone({
        conversationId: "c1",
        response: "ok",
        suggestions: ["a", 2],
        provider: "offline",
        tokenUsage: { used: 5, remaining: "x" },
        citations: [
          { source: "page", id: "exercise-1", excerpt: "Solve 3x + 7 = 22." },
          { source: "faq", id: "faq-3", excerpt: "Office hours" },
          { source: "web", id: "x", excerpt: "not a known source" },
          { source: "page", excerpt: "no id" },
        ],
      }),
    ).toEqual({
      citations: [
        { source: "page", id: "exercise-1", excerpt: "Solve 3x + 7 = 22." },
        { source: "faq", id: "faq-3", excerpt: "Office hours" },
      ],
      conversationId: "c1",
      response: "ok",
      suggestions: ["a"],
      provider: "offline",
      tokenUsage: { used: 5 },
    });
  });
});
