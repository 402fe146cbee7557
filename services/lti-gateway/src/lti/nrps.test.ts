import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { decodeJwtPart, SimulatedPlatform, verifyRs256 } from "../../../../tests/support/lti-platform";
import { fetchRoster, NRPS_SCOPE, nextLink } from "./nrps";
import { getRegistration } from "./registry";
import { gateway, register, routeFetchTo } from "./test-harness";

afterEach(() => vi.restoreAllMocks());

describe("Names and Roles", () => {
  it("reads rel=next from Link headers", () => {
    expect(nextLink('<https://lms/x?page=2>; rel="next", <https://lms/x?page=9>; rel="last"')).toBe(
      "https://lms/x?page=2",
    );
    expect(nextLink('<https://lms/x?page=9>; rel="last"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });

  it("pages the roster with a client-credentials token, cached per issuer, client and scopes", async () => {
    const canvas = await SimulatedPlatform.create({
      shape: "canvas",
      origin: "https://canvas.instructure.com",
      clientId: "10000000000999",
    });
    canvas.roster = [
      { user_id: "u1", name: "One", roles: ["Learner"], status: "Active" },
      { user_id: "u2", roles: ["Learner"] },
      { user_id: "u3", name: "Three", roles: ["Instructor"] },
      { user_id: "u4", roles: ["Learner"], status: "Inactive" },
      { user_id: "u5", name: "Five", roles: ["Learner"] },
    ];
    routeFetchTo([canvas]);
    await register(canvas, { tenantId: "example-university" });
    const reg = await getRegistration(env, canvas.issuer, canvas.clientId);
    if (!reg) throw new Error("not registered");

    const members = await fetchRoster(env, reg, canvas.membershipsUrl);
    expect(members.map((m) => m.userId)).toEqual(["u1", "u2", "u3", "u5"]);
    expect(members[0]).toEqual({ userId: "u1", name: "One", roles: ["Learner"] });
    const pages = canvas.requests.filter((r) => r.url.startsWith(canvas.membershipsUrl));
    expect(pages).toHaveLength(3);
    expect(pages[0]?.headers.accept).toBe("application/vnd.ims.lti-nrps.v2.membershipcontainer+json");

    const tokenCalls = canvas.requests.filter((r) => r.url === canvas.tokenEndpoint);
    expect(tokenCalls).toHaveLength(1);
    const form = new URLSearchParams(tokenCalls[0]?.body ?? "");
    expect(form.get("grant_type")).toBe("client_credentials");
    expect(form.get("client_assertion_type")).toBe("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    expect(form.get("scope")).toBe(NRPS_SCOPE);
    const assertion = form.get("client_assertion") ?? "";
    const jwks = (await (await gateway("/.well-known/jwks.json")).json()) as { keys: JsonWebKey[] };
    const claims = await verifyRs256(assertion, jwks);
    expect(claims.iss).toBe(canvas.clientId);
    expect(claims.sub).toBe(canvas.clientId);
    expect(claims.aud).toBe(canvas.tokenEndpoint);
    expect(typeof claims.jti).toBe("string");
    expect(Number(claims.exp) - Number(claims.iat)).toBeLessThanOrEqual(300);
    expect(decodeJwtPart(assertion.split(".")[0] ?? "").kid).toBe((jwks.keys[0] as { kid?: string } | undefined)?.kid);

    await fetchRoster(env, reg, canvas.membershipsUrl);
    expect(canvas.requests.filter((r) => r.url === canvas.tokenEndpoint)).toHaveLength(1);
  });

  it("does not follow a next link to another origin", async () => {
    const moodle = await SimulatedPlatform.create({ shape: "moodle", origin: "https://moodle.example.edu" });
    moodle.roster = [{ user_id: "a", roles: [] }];
    routeFetchTo([moodle]);
    await register(moodle, { tenantId: "moodle-college" });
    const reg = await getRegistration(env, moodle.issuer, moodle.clientId);
    if (!reg) throw new Error("not registered");
    const spy = vi.spyOn(globalThis, "fetch");
    spy.mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      const answer = await moodle.handle(request);
      if (answer && request.url.startsWith(moodle.membershipsUrl)) {
        const headers = new Headers(answer.headers);
        headers.set("Link", '<https://attacker.example/steal>; rel="next"');
        return new Response(answer.body, { status: answer.status, headers });
      }
      return answer ?? new Response("unexpected", { status: 599 });
    });
    const members = await fetchRoster(env, reg, moodle.membershipsUrl);
    expect(members).toHaveLength(1);
    expect(
      spy.mock.calls.some(([input]) => String(input instanceof Request ? input.url : input).includes("attacker")),
    ).toBe(false);
  });
});

describe("service URLs from a launch", () => {
  it("are only called on the registration's own hosts (no access token sent elsewhere)", async () => {
    const moodle = await SimulatedPlatform.create({ shape: "moodle", origin: "https://moodle.example.edu" });
    routeFetchTo([moodle]);
    await register(moodle, { tenantId: "moodle-college" });
    const reg = await getRegistration(env, moodle.issuer, moodle.clientId);
    if (!reg) throw new Error("not registered");
    const calls = moodle.requests.length;
    const outcome = await fetchRoster(env, reg, "https://attacker.example/memberships").then(
      () => "fetched",
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
    expect(outcome).toMatch(/platform's hosts/);
    expect(moodle.requests.length).toBe(calls);
  });
});
