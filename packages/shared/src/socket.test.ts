import { describe, expect, it } from "vitest";
import { answerClose } from "./socket";

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
