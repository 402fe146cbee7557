// GET|POST /lti/init: the OIDC login initiation (login.ts), up to the redirect to the platform.
import { describe, expect, it } from "vitest";
import { canvasAndMoodleForEachTest, errorCode, gateway, login, register, TARGET } from "./test-harness";

const { canvas, moodle } = await canvasAndMoodleForEachTest();

describe("GET|POST /lti/init", () => {
  it("redirects to the platform with every OIDC parameter and sets the state cookie", async () => {
    const l = await login(canvas);
    expect(l.response.status).toBe(302);
    const q = l.authUrl.searchParams;
    expect(`${l.authUrl.origin}${l.authUrl.pathname}`).toBe(canvas.authorizationEndpoint);
    expect(q.get("scope")).toBe("openid");
    expect(q.get("response_type")).toBe("id_token");
    expect(q.get("response_mode")).toBe("form_post");
    expect(q.get("prompt")).toBe("none");
    expect(q.get("client_id")).toBe(canvas.clientId);
    expect(q.get("redirect_uri")).toBe("http://localhost/lti/launch");
    expect(q.get("login_hint")).toBe(canvas.loginParams(TARGET).login_hint);
    expect(q.get("lti_message_hint")).toBe(canvas.loginParams(TARGET).lti_message_hint);
    expect(l.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(l.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(l.nonce).not.toBe(l.state);
    const cookie = l.response.headers.get("Set-Cookie") ?? "";
    expect(cookie).toContain(`lti_state_${l.state}=`);
    for (const attr of ["HttpOnly", "Secure", "SameSite=None", "Partitioned", "Path=/lti/"])
      expect(cookie).toContain(attr);
  });

  it("accepts POST login initiation too", async () => {
    const l = await login(moodle, { method: "POST" });
    expect(l.response.status).toBe(302);
    expect(l.state).not.toBe("");
  });

  it("passes lti_message_hint through unaltered, odd characters included", async () => {
    const hint = '{"cmid":7,"launchid":"ltilaunch1_1234"} &=+%';
    const l = await login(moodle, { extra: { lti_message_hint: hint } });
    expect(l.authUrl.searchParams.get("lti_message_hint")).toBe(hint);
  });

  it.each(["iss", "login_hint", "target_link_uri"])("refuses a login without %s (400)", async (param) => {
    const params = new URLSearchParams(canvas.loginParams(TARGET));
    params.delete(param);
    const res = await gateway(`/lti/init?${params}`);
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe("missing_parameter");
    expect(res.headers.get("Content-Type")).toContain("text/html");
  });

  it("refuses an unknown issuer and client id pair (401)", async () => {
    const l = await login(canvas, { extra: { client_id: "99999999" } });
    expect(l.response.status).toBe(401);
    expect(await errorCode(l.response)).toBe("unknown_registration");
  });

  it("resolves by issuer alone only when exactly one registration exists for it", async () => {
    const params = new URLSearchParams(moodle.loginParams(TARGET));
    params.delete("client_id");
    const res = await gateway(`/lti/init?${params}`, { redirect: "manual" });
    expect(res.status).toBe(302);
    await register(moodle, { clientId: "second-moodle-client", tenantId: "moodle-college" });
    const again = await gateway(`/lti/init?${params}`, { redirect: "manual" });
    expect(again.status).toBe(401);
    expect(await errorCode(again)).toBe("unknown_registration");
  });

  it("refuses a deployment that is not on a strict allow-list early", async () => {
    const l = await login(moodle, { extra: { lti_deployment_id: "999" } });
    expect(l.response.status).toBe(401);
    expect(await errorCode(l.response)).toBe("unknown_deployment");
  });

  it("refuses a target_link_uri that is not this tool's", async () => {
    const l = await login(canvas, { target: "https://evil.example/lti/launch" });
    expect(l.response.status).toBe(400);
    expect(await errorCode(l.response)).toBe("invalid_target_link_uri");
  });

  it("refuses a frame name outside the allow-list and escapes nothing into the page", async () => {
    const l = await login(canvas, { extra: { lti_storage_target: '"><script>alert(1)</script>' } });
    expect(l.response.status).toBe(400);
    expect(await errorCode(l.response)).toBe("invalid_storage_target");
    expect(await l.response.text()).not.toContain("<script>alert(1)");
  });
});
