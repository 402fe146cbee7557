// Test-only: calls to the gateway's /api and what it forwarded to each service, recorded by spies
// on the service bindings. Not imported by the Worker.
import { env, exports } from "cloudflare:workers";
import { afterEach, beforeEach, expect, type MockInstance, vi } from "vitest";

export const INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor";
export const GATEWAY_404 = "No such API route.";

export type Spies = Record<"chat" | "struggle-detector" | "analytics", MockInstance<Fetcher["fetch"]>>;
let spies: Spies;
const realFetch = {
  chat: env.CHAT.fetch.bind(env.CHAT),
  "struggle-detector": env.STRUGGLE_DETECTOR.fetch.bind(env.STRUGGLE_DETECTOR),
};

/**
 * Spies on the three service bindings around each test of the calling file. The real services
 * answer; the spies only record what the gateway sent them.
 */
export function spyOnForwards() {
  beforeEach(() => {
    spies = {
      chat: vi.spyOn(env.CHAT, "fetch"),
      "struggle-detector": vi.spyOn(env.STRUGGLE_DETECTOR, "fetch"),
      analytics: vi.spyOn(env.ANALYTICS, "fetch"),
    };
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
}

/** The current test's spies. */
export const forwardSpies = (): Spies => spies;

export function call(path: string, init: RequestInit = {}) {
  return exports.default.fetch(new Request(`http://localhost${path}`, init));
}

export function forwardedTo(service: keyof Spies): Request {
  expect(spies[service]).toHaveBeenCalledTimes(1);
  const sent = spies[service].mock.calls[0]?.[0];
  if (!(sent instanceof Request)) throw new Error("the gateway did not forward a Request");
  return sent;
}

/** Records the bodies a service receives, still passing each request on to the real service. */
export function recordBodies(service: "chat" | "struggle-detector"): string[] {
  const real = realFetch[service];
  const bodies: string[] = [];
  spies[service].mockImplementation(async (input, init) => {
    if (input instanceof Request) bodies.push(await input.clone().text());
    return real(input, init);
  });
  return bodies;
}

export function expectNothingForwarded() {
  for (const spy of Object.values(spies)) expect(spy).not.toHaveBeenCalled();
}

export async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}
