import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ApiClient } from "./client";
import type { ApiProblem } from "./problem";
import { closeProblem, RealtimeSocket, type SocketState } from "./realtime";

/** A browser WebSocket as far as RealtimeSocket uses it; the test closes it as the server would. */
class FakeSocket extends EventTarget {
  static OPEN = 1;
  static made: FakeSocket[] = [];
  readyState = 0;
  constructor(readonly url: URL) {
    super();
    FakeSocket.made.push(this);
  }
  serverClose(code: number, reason: string) {
    const event = Object.assign(new Event("close"), { code, reason });
    this.dispatchEvent(event);
  }
  close() {}
  send() {}
}

function harness() {
  let tickets = 0;
  const api = {
    json: async () => {
      tickets++;
      return { ticket: `t${tickets}` };
    },
  } as unknown as ApiClient;
  const states: [SocketState, ApiProblem | undefined][] = [];
  const socket = new RealtimeSocket(
    api,
    "/ws/signals",
    () => {},
    (state, problem) => states.push([state, problem]),
  );
  return { socket, states, tickets: () => tickets };
}

const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.made = [];
  vi.stubGlobal("WebSocket", FakeSocket);
  vi.stubGlobal("location", { href: "https://tool.example/app/" });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("RealtimeSocket", () => {
  it.each([
    [4401, "token_expired", "expired"],
    [4410, "token_revoked", "expired"],
    [4403, "feature_disabled", "feature_disabled"],
  ])("stops for good on close %i (%s) and reports it, never reconnecting", async (code, reason, kind) => {
    const h = harness();
    h.socket.start();
    await settle();
    expect(FakeSocket.made).toHaveLength(1);
    FakeSocket.made[0]?.serverClose(code, reason);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(h.tickets()).toBe(1);
    expect(FakeSocket.made).toHaveLength(1);
    const last = h.states.at(-1);
    expect(last?.[0]).toBe("off");
    expect(last?.[1]).toMatchObject({ kind, code: reason });
  });

  it("reconnects with a new ticket after any other close", async () => {
    const h = harness();
    h.socket.start();
    await settle();
    FakeSocket.made[0]?.serverClose(1006, "");
    await vi.advanceTimersByTimeAsync(120_000);
    expect(h.tickets()).toBe(2);
    expect(FakeSocket.made).toHaveLength(2);
  });
});

describe("closeProblem", () => {
  it("leaves ordinary closes to the reconnect logic", () => {
    expect(closeProblem(1000, "")).toBeNull();
    expect(closeProblem(1011, "session lost")).toBeNull();
  });
});
