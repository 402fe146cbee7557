import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SimulatedPlatform } from "../../../../testing/lti-platform";
import { handleDynamicRegistration } from "./dynamic-registration";
import { issuerMatchesConfigurationUrl } from "./issuer-match";
import { getRegistration } from "./registry";
import { ADMIN, adminPost, errorCode, gateway, launch, launchJson, login, routeFetchTo } from "./test-harness";

afterEach(() => vi.restoreAllMocks());

const registerUrl = (p: SimulatedPlatform, token?: string) =>
  `/lti/register?${new URLSearchParams({ openid_configuration: p.openidConfigurationUrl, ...(token ? { registration_token: token } : {}) })}`;

async function listPlatforms() {
  const res = await gateway("/admin/platforms", { headers: ADMIN });
  return ((await res.json()) as { platforms: { issuer: string; clientId: string; status: string }[] }).platforms;
}

describe("LTI Dynamic Registration", () => {
  it("registers with a simulated Canvas: bearer token sent, no deployment id, pending until activated", async () => {
    const canvas = await SimulatedPlatform.create({
      shape: "canvas",
      origin: "https://canvas.instructure.com",
      clientId: "10000000000777",
    });
    canvas.registrationToken = "canvas-registration-jwt";
    routeFetchTo([canvas]);
    const res = await gateway(registerUrl(canvas, "canvas-registration-jwt"));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-status="pending"');
    expect(html).toContain("org.imsglobal.lti.close");

    for (const r of canvas.requests) expect(r.headers.authorization).toBe("Bearer canvas-registration-jwt");
    const body = canvas.lastRegistration ?? {};
    expect(body).toMatchObject({
      application_type: "web",
      response_types: ["id_token"],
      grant_types: ["implicit", "client_credentials"],
      initiate_login_uri: "http://localhost/lti/init",
      redirect_uris: ["http://localhost/lti/launch"],
      jwks_uri: "http://localhost/.well-known/jwks.json",
      token_endpoint_auth_method: "private_key_jwt",
    });
    const toolConfig = body["https://purl.imsglobal.org/spec/lti-tool-configuration"] as Record<string, unknown>;
    expect(toolConfig.target_link_uri).toBe("http://localhost/lti/launch");
    expect(toolConfig["https://canvas.instructure.com/lti/privacy_level"]).toBe("name_only");

    const reg = await getRegistration(env, canvas.issuer, canvas.clientId);
    expect(reg).toMatchObject({
      status: "pending",
      deploymentIds: [],
      newDeployments: "adopt",
      productFamily: "canvas",
      source: "dynamic",
    });
    expect(reg?.tenantId).toMatch(/^example-university-[0-9a-f]{32}$/);
    expect((await listPlatforms()).find((p) => p.clientId === canvas.clientId)?.status).toBe("pending");

    const blocked = await login(canvas);
    expect(await errorCode(blocked.response)).toBe("registration_inactive");

    const activate = await adminPost("/admin/platforms/activate", { issuer: canvas.issuer, clientId: canvas.clientId });
    expect(activate.status).toBe(200);
    expect(((await activate.json()) as { status: string }).status).toBe("active");
    // Canvas policy: the first verified launch of a new deployment is adopted.
    const { response } = await launch(canvas);
    expect(response.status).toBe(200);
    expect((await launchJson(response)).tenantId).toBe(reg?.tenantId);
    expect((await getRegistration(env, canvas.issuer, canvas.clientId))?.deploymentIds).toEqual([canvas.deploymentId]);
  });

  it("registers with a simulated Moodle: its deployment id is kept and others are refused", async () => {
    const moodle = await SimulatedPlatform.create({
      shape: "moodle",
      origin: "https://moodle.example.edu",
      clientId: "moodle-dyn-1",
    });
    routeFetchTo([moodle]);
    expect((await gateway(registerUrl(moodle, "moodle-token"))).status).toBe(200);
    const reg = await getRegistration(env, moodle.issuer, moodle.clientId);
    expect(reg).toMatchObject({
      status: "pending",
      deploymentIds: ["2"],
      newDeployments: "reject",
      productFamily: "moodle",
    });
    await adminPost("/admin/platforms/activate", { issuer: moodle.issuer, clientId: moodle.clientId });
    expect((await launch(moodle)).response.status).toBe(200);
  });

  it("refuses a configuration whose issuer does not match its URL, storing nothing", async () => {
    const moodle = await SimulatedPlatform.create({
      shape: "moodle",
      origin: "https://moodle.evil.example",
      clientId: "evil-1",
    });
    moodle.configurationOverrides = { issuer: "https://moodle.example.edu" };
    routeFetchTo([moodle]);
    const res = await gateway(registerUrl(moodle));
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe("issuer_mismatch");
    expect(moodle.lastRegistration).toBeUndefined();
    expect(await getRegistration(env, "https://moodle.example.edu", "evil-1")).toBeNull();
  });

  it("refuses plain-http platforms that are not loopback, and incomplete configurations", async () => {
    const res = await gateway(
      `/lti/register?openid_configuration=${encodeURIComponent("http://lms.example.edu/.well-known/openid-configuration")}`,
    );
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe("insecure_platform_url");

    const noRs = await SimulatedPlatform.create({ shape: "moodle", origin: "https://nors.example.edu" });
    noRs.configurationOverrides = { id_token_signing_alg_values_supported: ["HS256"] };
    routeFetchTo([noRs]);
    expect(await errorCode(await gateway(registerUrl(noRs)))).toBe("invalid_openid_configuration");

    const insecure = await SimulatedPlatform.create({ shape: "moodle", origin: "https://insecure.example.edu" });
    insecure.configurationOverrides = { jwks_uri: "http://insecure.example.edu/certs" };
    vi.restoreAllMocks();
    routeFetchTo([insecure]);
    expect(await errorCode(await gateway(registerUrl(insecure)))).toBe("insecure_platform_url");
    expect(await errorCode(await gateway("/lti/register"))).toBe("missing_parameter");
  });

  it("shows Canvas's 422 refusal, escaped", async () => {
    const canvas = await SimulatedPlatform.create({
      shape: "canvas",
      origin: "https://canvas.instructure.com",
      clientId: "10000000000888",
    });
    canvas.registrationAnswer = {
      status: 422,
      body: { errors: [{ field: "scopes", message: "<b>invalid scope</b>" }] },
    };
    routeFetchTo([canvas]);
    const res = await gateway(registerUrl(canvas));
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe("registration_refused");
    const html = await res.text();
    expect(html).toContain("&lt;b&gt;invalid scope&lt;/b&gt;");
    expect(await getRegistration(env, canvas.issuer, "10000000000888")).toBeNull();
  });

  it("auto-activates only with the local-development switch, never in production", async () => {
    const local = await SimulatedPlatform.create({
      shape: "moodle",
      origin: "http://127.0.0.1:9100",
      clientId: "auto-1",
    });
    routeFetchTo([local]);
    const request = () => new Request(`http://localhost${registerUrl(local)}`);
    const devEnv = { ...env, ENVIRONMENT: "development", LTI_AUTO_ACTIVATE_REGISTRATIONS: "true" } as Env;
    expect((await handleDynamicRegistration(request(), devEnv)).status).toBe(200);
    expect((await getRegistration(env, local.issuer, "auto-1"))?.status).toBe("active");

    const prodEnv = { ...env, ENVIRONMENT: "production", LTI_AUTO_ACTIVATE_REGISTRATIONS: "true" } as Env;
    await expect(handleDynamicRegistration(request(), prodEnv)).rejects.toMatchObject({
      code: "insecure_platform_url",
    });
  });

  it("matches issuer and configuration URL the way Canvas and Moodle build them", () => {
    expect(
      issuerMatchesConfigurationUrl(
        "https://canvas.instructure.com",
        "https://canvas.instructure.com/api/lti/security/openid-configuration",
      ),
    ).toBe(true);
    expect(
      issuerMatchesConfigurationUrl(
        "https://moodle.example.edu/moodle",
        "https://moodle.example.edu/moodle/mod/lti/openid-configuration.php",
      ),
    ).toBe(true);
    expect(issuerMatchesConfigurationUrl("https://moodle.example.edu", "https://moodle.example.edu.evil.com/x")).toBe(
      false,
    );
    expect(
      issuerMatchesConfigurationUrl("https://moodle.example.edu/moodle", "https://moodle.example.edu/moodle2/x"),
    ).toBe(false);
  });
});
