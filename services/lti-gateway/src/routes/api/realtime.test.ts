import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { decodeAuthContext } from "@atomic-guide/shared";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { API_TOKEN_TTL_SECONDS, mintApiToken } from "../../auth/api-token";
import { bearer, claimsFor, tokenFor } from "../../auth/test-tokens";
import { recordShard } from "../../do/oidc-state";
import { updateFlags } from "../../flags/store";

let chat: MockInstance<Fetcher["fetch"]>;
let detector: MockInstance<Fetcher["fetch"]>;
beforeEach(() => {
  chat = vi.spyOn(env.CHAT, "fetch");
  detector = vi.spyOn(env.STRUGGLE_DETECTOR, "fetch");
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

const call = (path: string, init: RequestInit = {}) =>
  exports.default.fetch(new Request(`http://localhost${path}`, init));
const upgrade = (path: string) => call(path, { headers: { Upgrade: "websocket", Connection: "Upgrade" } });

async function ticketFor(token: string) {
  const res = await call("/api/realtime/ticket", { method: "POST", headers: bearer(token) });
  expect(res.status).toBe(200);
  return (await res.json()) as { ticket: string; expiresIn: number };
}

async function codeOf(res: Response) {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

/** The service's own answer (101 once it serves WebSockets, its 404 until then): not the gateway's refusal. */
async function expectServiceAnswered(res: Response) {
  if (res.webSocket) {
    res.webSocket.accept();
    res.webSocket.close();
    expect(res.status).toBe(101);
    return;
  }
  expect(res.status).toBe(404);
  const body = (await res.json()) as { error: { message: string } };
  expect(body.error.message).not.toMatch(/realtime/);
}

function sentBy(spy: MockInstance<Fetcher["fetch"]>): Request {
  expect(spy).toHaveBeenCalledTimes(1);
  const sent = spy.mock.calls[0]?.[0];
  if (!(sent instanceof Request)) throw new Error("nothing forwarded");
  return sent;
}

describe("POST /api/realtime/ticket", () => {
  it("issues an opaque ticket valid for at most 60 s", async () => {
    const { ticket, expiresIn } = await ticketFor(await tokenFor(env, "rt"));
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresIn).toBeGreaterThan(0);
    expect(expiresIn).toBeLessThanOrEqual(60);
  });

  it("never outlives the API token it was issued for", async () => {
    await tokenFor(env, "rt");
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() - (API_TOKEN_TTL_SECONDS - 10) * 1000);
    const { token } = await mintApiToken(env, claimsFor("rt"));
    vi.useRealTimers();
    expect((await ticketFor(token)).expiresIn).toBeLessThanOrEqual(10);
  });

  it("takes no input: an empty body or {} is fine; anything else is refused and issues nothing", async () => {
    const token = await tokenFor(env, "rt");
    const post = (body: string) => call("/api/realtime/ticket", { method: "POST", headers: bearer(token), body });
    expect((await post("{}")).status).toBe(200);
    expect((await post("")).status).toBe(200);
    const bad = [
      ["{not json", 400, "invalid_json"],
      [JSON.stringify({ channel: "chat" }), 400, "invalid_request"],
      ["[]", 400, "invalid_request"],
      [JSON.stringify({ pad: "x".repeat(300 * 1024) }), 413, "payload_too_large"],
    ] as const;
    for (const [body, status, code] of bad) {
      const res = await post(body);
      expect(res.status, body.slice(0, 20)).toBe(status);
      expect(await codeOf(res)).toBe(code);
    }
  });

  it("is not an API token", async () => {
    const { ticket } = await ticketFor(await tokenFor(env, "rt"));
    expect((await call("/api/chat/message", { headers: bearer(ticket) })).status).toBe(401);
  });
});

describe("GET /ws/chat and /ws/signals", () => {
  it("forwards the upgrade once with the ticket's identity, then refuses the ticket", async () => {
    const { ticket } = await ticketFor(await tokenFor(env, "rt", { name: "Ada" }));
    await expectServiceAnswered(await upgrade(`/ws/chat?ticket=${ticket}&since=5`));
    const sent = sentBy(chat);
    expect(sent.headers.get("Upgrade")).toBe("websocket");
    const url = new URL(sent.url);
    expect(url.pathname).toBe("/ws/chat");
    // The spent ticket stays out of the service's URL; other parameters pass.
    expect(url.searchParams.get("ticket")).toBeNull();
    expect(url.searchParams.get("since")).toBe("5");
    const forwarded = decodeAuthContext(sent.headers.get("X-Atomic-Auth"));
    expect(forwarded).toMatchObject({ tenantId: "rt", userId: "user-rt", name: "Ada", isInstructor: false });
    // The socket outlives the request: the service is told which token it serves, to close it at
    // the token's expiry or when that token's registration is revoked.
    expect(forwarded.token).toMatchObject({ issuer: "https://lms.example.edu", clientId: "client-1" });
    const limits = forwarded.token ?? { issuedAtMs: 0, expiresAtMs: 0 };
    expect(limits.expiresAtMs - limits.issuedAtMs).toBe(API_TOKEN_TTL_SECONDS * 1000);
    expect(limits.expiresAtMs).toBeGreaterThan(Date.now());
    expect(limits.expiresAtMs).toBeLessThanOrEqual(Date.now() + API_TOKEN_TTL_SECONDS * 1000);
    expect(sent.headers.get("X-Atomic-Ai-Provider")).toBe("auto");

    const replay = await upgrade(`/ws/chat?ticket=${ticket}`);
    expect(replay.status).toBe(401);
    expect(await codeOf(replay)).toBe("invalid_ticket");
    expect(chat).toHaveBeenCalledTimes(1);
  });

  it("routes /ws/signals to struggle-detector", async () => {
    const { ticket } = await ticketFor(await tokenFor(env, "rt"));
    await expectServiceAnswered(await upgrade(`/ws/signals?ticket=${ticket}`));
    expect(new URL(sentBy(detector).url).pathname).toBe("/ws/signals");
    expect(chat).not.toHaveBeenCalled();
  });

  it("a ticket is single-use across channels too", async () => {
    const { ticket } = await ticketFor(await tokenFor(env, "rt"));
    await expectServiceAnswered(await upgrade(`/ws/signals?ticket=${ticket}`));
    expect((await upgrade(`/ws/chat?ticket=${ticket}`)).status).toBe(401);
  });

  it.each([
    ["missing", "/ws/chat"],
    ["malformed", "/ws/chat?ticket=abc"],
    ["unknown", `/ws/chat?ticket=${"A".repeat(43)}`],
  ])("refuses a %s ticket with 401", async (_name, path) => {
    const res = await upgrade(path);
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("invalid_ticket");
    expect(chat).not.toHaveBeenCalled();
  });

  it("refuses a ticket the expiry alarm removed", async () => {
    const { ticket } = await ticketFor(await tokenFor(env, "rt"));
    const key = `ticket:${ticket}`;
    const shard = recordShard(env, key);
    // The ticket's minute has passed (on the record's own clock), and the sweep ran.
    await runInDurableObject(shard, (_instance, state) => {
      state.storage.sql.exec("UPDATE records SET expires_at = ? WHERE key = ?", Date.now() - 1, key);
    });
    expect(await runDurableObjectAlarm(shard)).toBe(true);
    const left = await runInDurableObject(shard, (_instance, state) =>
      state.storage.sql.exec("SELECT key FROM records WHERE key = ?", key).toArray(),
    );
    expect(left).toEqual([]);
    expect((await upgrade(`/ws/chat?ticket=${ticket}`)).status).toBe(401);
    expect(chat).not.toHaveBeenCalled();
  });

  it("answers a plain GET with 426 without spending the ticket", async () => {
    const { ticket } = await ticketFor(await tokenFor(env, "rt"));
    const plain = await call(`/ws/chat?ticket=${ticket}`);
    expect(plain.status).toBe(426);
    await expectServiceAnswered(await upgrade(`/ws/chat?ticket=${ticket}`));
  });

  it("refuses the channel of a feature the tenant turned off, for that tenant only", async () => {
    const offTicket = await ticketFor(await tokenFor(env, "rt-off"));
    const onTicket = await ticketFor(await tokenFor(env, "rt-on"));
    await updateFlags(env, "rt-off", { struggleDetection: false });
    const refused = await upgrade(`/ws/signals?ticket=${offTicket.ticket}`);
    expect(refused.status).toBe(403);
    expect(await codeOf(refused)).toBe("feature_disabled");
    expect(detector).not.toHaveBeenCalled();
    await expectServiceAnswered(await upgrade(`/ws/signals?ticket=${onTicket.ticket}`));
  });
});
