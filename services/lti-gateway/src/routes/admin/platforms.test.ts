import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, adminPost, gateway } from "../../lti/test-harness";
import { getTenant } from "../../tenants/store";

const body = {
  issuer: "https://lms.example.edu",
  clientId: "client-1",
  deploymentIds: ["d1"],
  authorizationEndpoint: "https://lms.example.edu/auth",
  tokenEndpoint: "https://lms.example.edu/token",
  jwksUri: "https://lms.example.edu/jwks",
  name: "Example LMS",
};

describe("/admin/platforms", () => {
  it("requires the operator token", async () => {
    const res = await gateway("/admin/platforms", { method: "POST", body: JSON.stringify(body) });
    expect(res.status).toBe(401);
    expect((await gateway("/admin/platforms")).status).toBe(401);
  });

  it("registers and activates (201), updates on re-post (200), and creates the tenant", async () => {
    const created = await adminPost("/admin/platforms", { ...body, tenantId: "example-edu" });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({
      tenantId: "example-edu",
      issuer: body.issuer,
      clientId: "client-1",
      status: "active",
    });
    const updated = await adminPost("/admin/platforms", {
      ...body,
      deploymentIds: ["d1", "d2"],
      tenantId: "example-edu",
    });
    expect(updated.status).toBe(200);
    const tenant = await getTenant(env, "example-edu");
    expect(tenant).toMatchObject({ tenantId: "example-edu", name: "Example LMS" });
    const list = (await (await gateway("/admin/platforms", { headers: ADMIN })).json()) as {
      platforms: { clientId: string; deploymentIds: string[]; newDeployments: string }[];
    };
    const mine = list.platforms.find((p) => p.clientId === "client-1");
    expect(mine?.deploymentIds).toEqual(["d1", "d2"]);
    expect(mine?.newDeployments).toBe("reject");
  });

  it("keys registrations by issuer AND client id; one tenant may own several", async () => {
    await adminPost("/admin/platforms", { ...body, clientId: "client-a", tenantId: "multi" });
    await adminPost("/admin/platforms", { ...body, clientId: "client-b", tenantId: "multi" });
    const list = (await (await gateway("/admin/platforms", { headers: ADMIN })).json()) as {
      platforms: { clientId: string; tenantId: string }[];
    };
    expect(
      list.platforms
        .filter((p) => p.tenantId === "multi")
        .map((p) => p.clientId)
        .sort(),
    ).toEqual(["client-a", "client-b"]);
  });

  it("derives a distinct tenant per registration when none is given", async () => {
    const a = (await (await adminPost("/admin/platforms", { ...body, clientId: "x1", name: undefined })).json()) as {
      tenantId: string;
    };
    const b = (await (await adminPost("/admin/platforms", { ...body, clientId: "x2", name: undefined })).json()) as {
      tenantId: string;
    };
    expect(a.tenantId).toMatch(/^lms-example-edu-[0-9a-f]{32}$/);
    expect(a.tenantId).not.toBe(b.tenantId);
  });

  it.each([
    [{ ...body, jwksUri: "http://lms.example.edu/jwks" }, "insecure_platform_url"],
    [{ ...body, issuer: "not a url" }, "invalid_request"],
    [{ ...body, unknown: true }, "invalid_request"],
    [{ ...body, tenantId: "Not A Slug" }, "invalid_request"],
    [{ ...body, deploymentIds: "d1" }, "invalid_request"],
  ])("refuses invalid input with 400 and stores nothing (%#)", async (input, code) => {
    const res = await adminPost("/admin/platforms", { ...input, clientId: "bad-input" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    const list = (await (await gateway("/admin/platforms", { headers: ADMIN })).json()) as {
      platforms: { clientId: string }[];
    };
    expect(list.platforms.some((p) => p.clientId === "bad-input")).toBe(false);
  });

  it("accepts loopback platform URLs only in local development settings", async () => {
    const res = await adminPost("/admin/platforms", {
      ...body,
      clientId: "loopback",
      authorizationEndpoint: "http://127.0.0.1:9001/auth",
      tokenEndpoint: "http://localhost:9001/token",
      jwksUri: "http://127.0.0.1:9001/jwks",
    });
    expect(res.status).toBe(201);
  });

  it("refuses a lone surrogate in the issuer or client id with 400, on every platform route, and stores nothing", async () => {
    const lone = "\ud800";
    const cases: [string, Record<string, unknown>][] = [
      ["/admin/platforms", { ...body, clientId: lone }],
      ["/admin/platforms", { ...body, issuer: `https://lms.example.edu/${lone}` }],
      ...["activate", "deactivate", "delete", "revision/discard"].flatMap(
        (action): [string, Record<string, unknown>][] => [
          [`/admin/platforms/${action}`, { issuer: body.issuer, clientId: lone }],
          [`/admin/platforms/${action}`, { issuer: lone, clientId: lone }],
        ],
      ),
    ];
    for (const [path, sent] of cases) {
      const res = await adminPost(path, sent);
      expect(res.status, `${path} ${JSON.stringify(sent)}`).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_request");
    }
    const list = (await (await gateway("/admin/platforms", { headers: ADMIN })).json()) as {
      platforms: { issuer: string; clientId: string }[];
    };
    expect(list.platforms.filter((p) => !p.issuer.isWellFormed() || !p.clientId.isWellFormed())).toEqual([]);
  });

  it("activates only what exists", async () => {
    const res = await adminPost("/admin/platforms/activate", { issuer: body.issuer, clientId: "nope" });
    expect(res.status).toBe(404);
  });
});

describe("GET /lti/config", () => {
  it("lists the URLs a platform needs", async () => {
    const res = await gateway("/lti/config");
    expect(await res.json()).toMatchObject({
      loginUrl: "http://localhost/lti/init",
      launchUrl: "http://localhost/lti/launch",
      targetLinkUri: "http://localhost/lti/launch",
      jwksUrl: "http://localhost/.well-known/jwks.json",
      deepLinkUrl: "http://localhost/lti/launch",
      registrationUrl: "http://localhost/lti/register",
    });
  });
});
