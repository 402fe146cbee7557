import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { answerClose, parseSocketMessage, socketErrorFrame } from "./socket";

/** Records the close a handler sends; `throws` plays a socket the runtime has already closed. */
function recordingSocket(throws = false) {
  const closes: [number, string][] = [];
  const ws = {
    close(code: number, reason: string) {
      if (throws) throw new TypeError("WebSocket already closed");
      closes.push([code, reason]);
    },
  } as unknown as WebSocket;
  return { ws, closes };
}

describe("answerClose", () => {
  it("echoes the client's close code", () => {
    const { ws, closes } = recordingSocket();
    answerClose(ws, 4001);
    expect(closes).toEqual([[4001, "closing"]]);
  });

  it.each([1005, 1006])("answers the reserved code %i with a normal closure", (code) => {
    const { ws, closes } = recordingSocket();
    answerClose(ws, code);
    expect(closes).toEqual([[1000, "closing"]]);
  });

  it("does not throw when the runtime has already closed the socket", () => {
    const { ws } = recordingSocket(true);
    expect(() => answerClose(ws, 1000)).not.toThrow();
  });
});

describe("parseSocketMessage", () => {
  const Schema = v.object({ type: v.literal("ping"), n: v.optional(v.number()) });
  const frameFor = (raw: string | ArrayBuffer) => {
    try {
      return parseSocketMessage(raw, Schema);
    } catch (e) {
      return socketErrorFrame(e);
    }
  };

  it("reads a text frame, or a binary one holding UTF-8 JSON, as the schema's output", () => {
    expect(frameFor('{"type":"ping","n":1}')).toEqual({ type: "ping", n: 1 });
    expect(frameFor(new TextEncoder().encode('{"type":"ping"}').buffer as ArrayBuffer)).toEqual({ type: "ping" });
  });

  it("answers each bad frame with its own error, the field named as HTTP names it", () => {
    expect(frameFor("not json")).toMatchObject({ type: "error", code: "invalid_json" });
    expect(frameFor(new Uint8Array([0x7b, 0xff, 0x7d]).buffer as ArrayBuffer)).toMatchObject({ code: "invalid_json" });
    expect(frameFor('{"type":"ping","n":"one"}')).toEqual({
      type: "error",
      code: "invalid_request",
      message: expect.stringMatching(/^n: /),
    });
    expect(frameFor(JSON.stringify({ type: "ping", pad: "x".repeat(256 * 1024) }))).toMatchObject({
      code: "invalid_message",
    });
  });
});
