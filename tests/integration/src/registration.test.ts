// Issue 13's "done when" for registration takeover: LTI Dynamic Registration through the running
// system. A configuration file placed on the platform's host re-registers the same issuer and
// client id with other endpoints and keys; the active registration stays as it was, the change
// waits as a pending revision the operator sees side by side, and launches signed with the new
// keys are refused until the operator applies it.
import type { AddressInfo } from "node:net";
import { type RunningSystem, startSystem } from "@atomic-guide/testing/system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminHeaders, serve } from "../../../testing/flows";
import { ROLE, SimulatedPlatform } from "../../../testing/lti-platform";

interface Hosted {
  platform: SimulatedPlatform;
  close(): void;
}

/** A simulated Moodle on its own loopback server; `issuer`/`clientId` may be borrowed (an impostor). */
async function hostedPlatform(opts: { issuer?: string; clientId?: string } = {}): Promise<Hosted> {
  let platform: SimulatedPlatform | undefined;
  const server = await serve(async (request) => platform?.handle(request));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  platform = await SimulatedPlatform.create({ shape: "moodle", origin, ...opts });
  return { platform, close: () => server.close() };
}

/** Login → the platform signs for that state and nonce → the browser posts it: the launch's status and error code. */
async function launchAs(system: RunningSystem, signer: SimulatedPlatform) {
  const config = (await (await system.fetch("/lti/config")).json()) as { targetLinkUri: string };
  const init = await system.fetch(`/lti/init?${new URLSearchParams(signer.loginParams(config.targetLinkUri))}`, {
    redirect: "manual",
  });
  expect(init.status).toBe(302);
  const auth = signer.parseAuthRequest(init.headers.get("Location") ?? "");
  const cookie = (init.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
  const claims = signer.idTokenClaims({
    nonce: auth.nonce,
    targetLinkUri: config.targetLinkUri,
    user: { sub: "learner-7", name: "Ada Lovelace", roles: [ROLE.learner] },
  });
  const res = await system.fetch("/lti/launch", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
    body: new URLSearchParams({ id_token: await signer.sign(claims), state: auth.state }).toString(),
  });
  const html = await res.text();
  return { status: res.status, code: /data-error-code="([^"]*)"/.exec(html)?.[1] };
}

interface Listed {
  issuer: string;
  clientId: string;
  status: string;
  jwksUri: string;
  tenantId: string;
  pendingRevision?: { revisionId: string; jwksUri: string; authorizationEndpoint: string };
}

async function listed(system: RunningSystem, platform: SimulatedPlatform): Promise<Listed | undefined> {
  const res = await system.fetch("/admin/platforms?limit=100", { headers: adminHeaders });
  expect(res.status).toBe(200);
  const { platforms } = (await res.json()) as { platforms: Listed[] };
  return platforms.find((p) => p.issuer === platform.issuer && p.clientId === platform.clientId);
}

describe("dynamic re-registration through the running system (issue 13, finding 1)", () => {
  let system: RunningSystem;
  let moodle: Hosted;
  let impostor: Hosted;

  beforeAll(async () => {
    system = await startSystem();
    moodle = await hostedPlatform();
    impostor = await hostedPlatform({ issuer: moodle.platform.issuer, clientId: moodle.platform.clientId });
  });
  afterAll(async () => {
    moodle?.close();
    impostor?.close();
    await system?.dispose();
  });

  it("registers, keeps the active registration on re-registration, and refuses the new keys until activated", async () => {
    const first = await system.fetch(
      `/lti/register?${new URLSearchParams({ openid_configuration: moodle.platform.openidConfigurationUrl })}`,
    );
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('data-outcome="created"');
    const ref = { issuer: moodle.platform.issuer, clientId: moodle.platform.clientId };
    if ((await listed(system, moodle.platform))?.status !== "active") {
      await system.fetch("/admin/platforms/activate", {
        method: "POST",
        headers: adminHeaders,
        body: JSON.stringify(ref),
      });
    }
    expect(await launchAs(system, moodle.platform)).toEqual({ status: 200, code: undefined });
    const original = await listed(system, moodle.platform);

    // Someone places a configuration on the platform's host naming its own endpoints and keys.
    moodle.platform.hostedFiles["/static/openid.json"] = impostor.platform.configuration();
    const again = await system.fetch(
      `/lti/register?${new URLSearchParams({ openid_configuration: `${moodle.platform.origin}/static/openid.json` })}`,
    );
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('data-outcome="revision"');
    expect(impostor.platform.lastRegistration).toBeDefined();

    const side = await listed(system, moodle.platform);
    expect(side).toMatchObject({
      status: "active",
      jwksUri: moodle.platform.jwksUri,
      tenantId: original?.tenantId,
      pendingRevision: {
        jwksUri: impostor.platform.jwksUri,
        authorizationEndpoint: impostor.platform.authorizationEndpoint,
      },
    });

    expect(await launchAs(system, impostor.platform)).toMatchObject({ status: 401, code: "unknown_kid" });
    expect((await launchAs(system, moodle.platform)).status).toBe(200);

    // Activating without naming the revision changes nothing.
    const plain = await system.fetch("/admin/platforms/activate", {
      method: "POST",
      headers: adminHeaders,
      body: JSON.stringify(ref),
    });
    expect(plain.status).toBe(200);
    expect((await launchAs(system, impostor.platform)).status).toBe(401);

    // Only the operator's explicit choice switches the keys.
    const applied = await system.fetch("/admin/platforms/activate", {
      method: "POST",
      headers: adminHeaders,
      body: JSON.stringify({ ...ref, revisionId: side?.pendingRevision?.revisionId }),
    });
    expect(applied.status).toBe(200);
    expect((await launchAs(system, impostor.platform)).status).toBe(200);
    expect(await listed(system, moodle.platform)).toMatchObject({ jwksUri: impostor.platform.jwksUri });
  });
});
