import { describe, expect, it } from "vitest";
import { decodeJwtPart, type SimulatedPlatform, verifyRs256 } from "../../../../tests/support/lti-platform";
import { canvasAndMoodleForEachTest, gateway, launch, launchJson } from "./test-harness";

const { canvas, moodle } = await canvasAndMoodleForEachTest();
const DATA = 'csrf-token-123 {"x":"<y>"}';

async function deepLinkLaunch(platform: SimulatedPlatform, opts: { acceptMultiple?: boolean } = {}) {
  const { response } = await launch(platform, {
    messageType: "LtiDeepLinkingRequest",
    deepLinkData: DATA,
    user: { sub: "teacher-1", name: "Grace", roles: ["Instructor"] },
    ...opts,
  });
  expect(response.status).toBe(200);
  const html = await response.clone().text();
  return { html, json: await launchJson(response) };
}

const respond = (token: string | undefined, body: unknown) =>
  gateway("/lti/deep_link", {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

function autoPost(html: string) {
  const action = /<form id="auto-post" method="post" action="([^"]*)"/.exec(html)?.[1];
  const jwt = /name="JWT" value="([^"]*)"/.exec(html)?.[1];
  return { action, jwt };
}

describe("deep linking", () => {
  it("shows the picker for a deep-linking request, with the return origin allowed as a form target", async () => {
    const { html, json } = await deepLinkLaunch(canvas);
    expect(html).toContain('data-view="deep-linking"');
    expect(json.messageType).toBe("LtiDeepLinkingRequest");
    expect(json.deepLinking?.acceptTypes).toEqual(["ltiResourceLink", "link"]);
    expect(json.deepLinking?.deepLinkUrl).toBe("http://localhost/lti/deep_link");
  });

  it("signs the response on the server with the tool key, echoes data exactly, and auto-posts JWT", async () => {
    const { json } = await deepLinkLaunch(moodle);
    const res = await respond(json.apiToken, { items: [{ type: "ltiResourceLink", title: "Week 1 guide" }] });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Security-Policy")).toContain("form-action 'self' https://moodle.example.edu");
    const { action, jwt } = autoPost(await res.text());
    expect(action).toBe(`${moodle.origin}/deep_linking_return`);
    if (!jwt) throw new Error("no JWT field");
    const jwks = (await (await gateway("/.well-known/jwks.json")).json()) as { keys: JsonWebKey[] };
    // Independent check: WebCrypto against the published JWKS, not the gateway's jose.
    const claims = await verifyRs256(jwt, jwks);
    expect(claims.iss).toBe(moodle.clientId);
    expect(claims.aud).toBe(moodle.issuer);
    expect(typeof claims.nonce).toBe("string");
    expect(Number(claims.exp) - Number(claims.iat)).toBeLessThanOrEqual(300);
    expect(claims["https://purl.imsglobal.org/spec/lti/claim/deployment_id"]).toBe(moodle.deploymentId);
    expect(claims["https://purl.imsglobal.org/spec/lti/claim/message_type"]).toBe("LtiDeepLinkingResponse");
    expect(claims["https://purl.imsglobal.org/spec/lti/claim/version"]).toBe("1.3.0");
    expect(claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"]).toBe(DATA);
    expect(claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]).toEqual([
      { type: "ltiResourceLink", title: "Week 1 guide", url: "http://localhost/lti/launch" },
    ]);
    expect(decodeJwtPart(jwt.split(".")[0] ?? "").alg).toBe("RS256");
  });

  it("answers a request once", async () => {
    const { json } = await deepLinkLaunch(canvas);
    expect((await respond(json.apiToken, { items: [] })).status).toBe(200);
    const again = await respond(json.apiToken, { items: [] });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("deep_link_used");
  });

  it("refuses items the platform does not accept, and the request stays answerable", async () => {
    const { json } = await deepLinkLaunch(canvas, { acceptMultiple: false });
    const two = await respond(json.apiToken, { items: [{ type: "ltiResourceLink" }, { type: "ltiResourceLink" }] });
    expect(two.status).toBe(400);
    expect(((await two.json()) as { error: { code: string } }).error.code).toBe("multiple_not_accepted");
    const one = await respond(json.apiToken, { items: [{ type: "ltiResourceLink" }] });
    expect(one.status).toBe(200);
  });

  it("never signs what the browser made up: unknown item types and fields are refused", async () => {
    const { json } = await deepLinkLaunch(canvas);
    const url = await respond(json.apiToken, { items: [{ type: "ltiResourceLink", url: "https://evil.example/" }] });
    expect(url.status).toBe(400);
    const html = await respond(json.apiToken, { items: [{ type: "html", html: "<script>" }] });
    expect(html.status).toBe(400);
  });

  it("requires the API token of a deep-linking launch", async () => {
    expect((await respond(undefined, { items: [] })).status).toBe(401);
    const { response } = await launch(canvas);
    const rl = await launchJson(response);
    const res = await respond(rl.apiToken, { items: [] });
    expect(res.status).toBe(403);
  });
});
