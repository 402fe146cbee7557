// Issue 13, registration side: takeover through re-registration (1), guessable tenant ids (3),
// unbounded pending registrations (4) and inputs that used to answer 500 (7).
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SimulatedPlatform } from "../../../../tests/support/lti-platform";
import { createTenant, getTenant, TenantExistsError } from "../tenants/store";
import { MAX_PENDING_REGISTRATIONS } from "./dynamic-registration";
import { issuerMatchesConfigurationUrl } from "./issuer-match";
import { deleteRegistration, getRegistration, putRegistration } from "./registry";
import { defaultTenantId } from "./tenant-id";
import { ADMIN, adminPost, canvasAt, errorCode, gateway, launch, login, register, routeFetchTo } from "./test-harness";

afterEach(() => vi.restoreAllMocks());

const registerUrl = (configUrl: string) => `/lti/register?${new URLSearchParams({ openid_configuration: configUrl })}`;

/** An attacker's platform: its own keys and endpoints, but the victim's issuer and client id. */
async function impostorOf(victim: SimulatedPlatform) {
  const impostor = await SimulatedPlatform.create({
    shape: "moodle",
    origin: "https://attacker.example",
    issuer: victim.issuer,
    clientId: victim.clientId,
    deploymentId: "evil-deployment",
  });
  // The configuration file the attacker managed to place on the victim's host.
  victim.hostedFiles["/static/openid.json"] = impostor.configuration();
  return impostor;
}

describe("re-registration never changes an existing registration (finding 1)", () => {
  it("keeps the active endpoints and stores the new ones as a pending revision", async () => {
    const moodle = await SimulatedPlatform.create({ shape: "moodle", origin: "https://moodle.victim.edu" });
    await register(moodle, { tenantId: "victim-edu" });
    const impostor = await impostorOf(moodle);
    routeFetchTo([moodle, impostor]);
    const before = await getRegistration(env, moodle.issuer, moodle.clientId);

    const res = await gateway(registerUrl(`${moodle.origin}/static/openid.json`));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('data-outcome="revision"');

    const after = await getRegistration(env, moodle.issuer, moodle.clientId);
    const { pendingRevision, updatedAt: _u, ...unchanged } = after ?? ({} as never);
    const { updatedAt: _b, ...original } = before ?? ({} as never);
    expect(unchanged).toEqual(original);
    expect(pendingRevision).toMatchObject({ jwksUri: impostor.jwksUri, deploymentIds: ["evil-deployment"] });

    // Launches signed by the impostor's keys are refused; the real platform's still work.
    const forged = await launch(impostor, { loginExtra: { lti_deployment_id: moodle.deploymentId } });
    expect(forged.response.status).toBe(401);
    expect((await launch(moodle)).response.status).toBe(200);

    // Side by side in the operator's listing.
    const list = (await (await gateway("/admin/platforms?limit=100", { headers: ADMIN })).json()) as {
      platforms: { clientId: string; jwksUri: string; pendingRevision?: { jwksUri: string } }[];
    };
    const listed = list.platforms.find((p) => p.clientId === moodle.clientId);
    expect(listed?.jwksUri).toBe(moodle.jwksUri);
    expect(listed?.pendingRevision?.jwksUri).toBe(impostor.jwksUri);
  });

  it("applies a revision only when an operator names it", async () => {
    const moodle = await SimulatedPlatform.create({
      shape: "moodle",
      origin: "https://moodle.rotating.edu",
      clientId: "rotating-1",
    });
    await register(moodle, { tenantId: "rotating-edu" });
    const successor = await impostorOf(moodle);
    routeFetchTo([moodle, successor]);
    await gateway(registerUrl(`${moodle.origin}/static/openid.json`));
    const revisionId = (await getRegistration(env, moodle.issuer, moodle.clientId))?.pendingRevision?.revisionId;
    expect(revisionId).toBeDefined();

    const plain = await adminPost("/admin/platforms/activate", { issuer: moodle.issuer, clientId: moodle.clientId });
    expect(plain.status).toBe(200);
    expect((await getRegistration(env, moodle.issuer, moodle.clientId))?.jwksUri).toBe(moodle.jwksUri);
    const wrong = await adminPost("/admin/platforms/activate", {
      issuer: moodle.issuer,
      clientId: moodle.clientId,
      revisionId: "not-the-revision-id-0000",
    });
    expect(wrong.status).toBe(404);

    const applied = await adminPost("/admin/platforms/activate", {
      issuer: moodle.issuer,
      clientId: moodle.clientId,
      revisionId,
    });
    expect(applied.status).toBe(200);
    const now = await getRegistration(env, moodle.issuer, moodle.clientId);
    expect(now).toMatchObject({ jwksUri: successor.jwksUri, tenantId: "rotating-edu", status: "active" });
    expect(now?.pendingRevision).toBeUndefined();
  });

  it("compares normalised origins and path segments, not raw string prefixes", () => {
    const iss = "https://moodle.example.edu/moodle";
    expect(issuerMatchesConfigurationUrl(iss, `${iss}/mod/lti/openid-configuration.php`)).toBe(true);
    expect(issuerMatchesConfigurationUrl(iss, `${iss}/../static/openid.json`)).toBe(false);
    expect(issuerMatchesConfigurationUrl(iss, `${iss}/%2e%2e/static/openid.json`)).toBe(false);
    expect(issuerMatchesConfigurationUrl(iss, `${iss}/%2E%2E/static/openid.json`)).toBe(false);
    expect(issuerMatchesConfigurationUrl(iss, `${iss}/..%2fstatic/openid.json`)).toBe(false);
    expect(issuerMatchesConfigurationUrl(iss, "https://moodle.example.edu:444/moodle/x")).toBe(false);
    expect(issuerMatchesConfigurationUrl("https://lms.example.edu/", "https://lms.example.edu/api/openid")).toBe(true);
  });

  it("refuses a dot-segment configuration URL before contacting the platform's registration endpoint", async () => {
    const moodle = await SimulatedPlatform.create({
      shape: "moodle",
      origin: "https://lms.dots.edu",
      issuer: "https://lms.dots.edu/moodle",
    });
    moodle.hostedFiles["/static/openid.json"] = moodle.configuration();
    routeFetchTo([moodle]);
    const res = await gateway(registerUrl("https://lms.dots.edu/moodle/%2e%2e/static/openid.json"));
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe("issuer_mismatch");
    expect(moodle.lastRegistration).toBeUndefined();
  });
});

describe("tenant ids (finding 3)", () => {
  it("are 128 random bits, not a function of the caller's input", () => {
    const a = defaultTenantId("Example University");
    const b = defaultTenantId("Example University");
    expect(a).toMatch(/^example-university-[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
  });

  it("a registration never joins an existing tenant by collision", async () => {
    await createTenant(env, { tenantId: "taken-tenant", name: "Taken" });
    await expect(createTenant(env, { tenantId: "taken-tenant", name: "Intruder" })).rejects.toBeInstanceOf(
      TenantExistsError,
    );
    expect((await getTenant(env, "taken-tenant"))?.name).toBe("Taken");
  });
});

describe("dynamic registration inputs (findings 4 and 7)", () => {
  it("refuses a non-ASCII deployment_id in the platform's answer cleanly, storing nothing", async () => {
    const moodle = await SimulatedPlatform.create({
      shape: "moodle",
      origin: "https://moodle.unicode.edu",
      clientId: "unicode-1",
      deploymentId: "dépl-ø",
    });
    routeFetchTo([moodle]);
    const res = await gateway(registerUrl(moodle.openidConfigurationUrl));
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe("registration_failed");
    expect(await getRegistration(env, moodle.issuer, "unicode-1")).toBeNull();
  });

  it("takes the issuer's host as the name when account_name is empty", async () => {
    const canvas = await canvasAt("https://canvas.empty.edu", "20000000000001");
    canvas.configurationOverrides = {
      "https://purl.imsglobal.org/spec/lti-platform-configuration": {
        product_family_code: "canvas",
        "https://canvas.instructure.com/lti/account_name": "  ",
      },
    };
    routeFetchTo([canvas]);
    const res = await gateway(registerUrl(canvas.openidConfigurationUrl));
    expect(res.status).toBe(200);
    const reg = await getRegistration(env, canvas.issuer, canvas.clientId);
    expect(reg?.name).toBe("canvas.empty.edu");
    expect((await getTenant(env, reg?.tenantId ?? ""))?.name).toBe("canvas.empty.edu");
  });

  it("answers 4xx, not 500, for an issuer or client id too long for a KV key", async () => {
    const longIssuer = `https://lms.example.edu/${"a".repeat(600)}`;
    const init = await gateway(
      `/lti/init?${new URLSearchParams({ iss: longIssuer, login_hint: "x", target_link_uri: "http://localhost/lti/launch", client_id: "c" })}`,
    );
    expect(init.status).toBe(400);
    expect(await errorCode(init)).toBe("invalid_parameter");
    const longClient = await gateway(
      `/lti/init?${new URLSearchParams({ iss: "https://lms.example.edu", login_hint: "x", target_link_uri: "http://localhost/lti/launch", client_id: "%".repeat(250) })}`,
    );
    expect(longClient.status).toBe(400);

    const admin = await adminPost("/admin/platforms", {
      issuer: "https://lms.example.edu",
      clientId: "/".repeat(200),
      deploymentIds: [],
      authorizationEndpoint: "https://lms.example.edu/auth",
      tokenEndpoint: "https://lms.example.edu/token",
      jwksUri: "https://lms.example.edu/jwks",
    });
    expect(admin.status).toBe(400);
    expect(((await admin.json()) as { error: { code: string } }).error.code).toBe("invalid_request");

    const moodle = await SimulatedPlatform.create({ shape: "moodle", origin: "https://long.example.edu" });
    moodle.configurationOverrides = { issuer: `https://long.example.edu/${"b".repeat(600)}` };
    moodle.hostedFiles[`/${"b".repeat(600)}/openid.json`] = moodle.configuration();
    routeFetchTo([moodle]);
    const dyn = await gateway(registerUrl(`https://long.example.edu/${"b".repeat(600)}/openid.json`));
    expect(dyn.status).toBe(400);
    expect(moodle.lastRegistration).toBeUndefined();
  });

  it("bounds registrations waiting for an operator, refusing before the platform is contacted", async () => {
    const base = {
      issuer: "https://filler.example.edu",
      clientId: "x",
      tenantId: "filler",
      status: "pending" as const,
      authorizationEndpoint: "https://filler.example.edu/auth",
      tokenEndpoint: "https://filler.example.edu/token",
      jwksUri: "https://filler.example.edu/jwks",
      deploymentIds: [],
      newDeployments: "adopt" as const,
      source: "dynamic" as const,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    };
    const fillers = Array.from({ length: MAX_PENDING_REGISTRATIONS }, (_, i) => `filler-${i}`);
    await Promise.all(fillers.map((clientId) => putRegistration(env, { ...base, clientId })));
    const moodle = await SimulatedPlatform.create({ shape: "moodle", origin: "https://one.more.edu" });
    routeFetchTo([moodle]);
    const res = await gateway(registerUrl(moodle.openidConfigurationUrl));
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("too_many_pending_registrations");
    expect(moodle.lastRegistration).toBeUndefined();
    await Promise.all(fillers.map((clientId) => deleteRegistration(env, base.issuer, clientId)));
  }, 60_000);
});

describe("operator control of registrations (finding 4)", () => {
  it("deactivates (logins refused) and deletes registrations; the listing is paged", async () => {
    const moodle = await SimulatedPlatform.create({
      shape: "moodle",
      origin: "https://moodle.off.edu",
      clientId: "off-1",
    });
    await register(moodle, { tenantId: "off-edu" });
    await register(moodle, { tenantId: "off-edu", clientId: "off-2" });
    routeFetchTo([moodle]);
    const ref = { issuer: moodle.issuer, clientId: moodle.clientId };

    const off = await adminPost("/admin/platforms/deactivate", ref);
    expect(off.status).toBe(200);
    expect(((await off.json()) as { status: string }).status).toBe("inactive");
    expect(await errorCode((await login(moodle)).response)).toBe("registration_inactive");

    const page = (await (await gateway("/admin/platforms?limit=1", { headers: ADMIN })).json()) as {
      platforms: unknown[];
      cursor?: string;
    };
    expect(page.platforms).toHaveLength(1);
    expect(page.cursor).toEqual(expect.any(String));
    const bad = await gateway("/admin/platforms?limit=1000", { headers: ADMIN });
    expect(bad.status).toBe(400);

    expect((await adminPost("/admin/platforms/delete", ref)).status).toBe(200);
    expect(await getRegistration(env, moodle.issuer, moodle.clientId)).toBeNull();
    expect((await adminPost("/admin/platforms/delete", ref)).status).toBe(404);
  });
});
