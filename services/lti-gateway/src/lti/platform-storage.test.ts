import { describe, expect, it } from "vitest";
import { canvasAndMoodleForEachTest, errorCode, gateway, launchJson, login, postLaunch, TARGET } from "./test-harness";

const { canvas } = await canvasAndMoodleForEachTest();

const STORAGE = { lti_storage_target: "post_message_forwarding" };

function jsonScript(html: string, id: string): Record<string, unknown> {
  const raw = new RegExp(`<script type="application/json" id="${id}">([^<]*)</script>`).exec(html)?.[1];
  if (!raw) throw new Error(`no ${id}`);
  return JSON.parse(raw) as Record<string, unknown>;
}

async function storageLaunch() {
  const l = await login(canvas, { extra: STORAGE });
  const token = await canvas.sign(canvas.idTokenClaims({ nonce: l.nonce, targetLinkUri: TARGET }));
  // The cookie-less iframe: no Cookie header reaches the launch.
  const res = await postLaunch({ id_token: token, state: l.state, ...STORAGE });
  return { l, res };
}

const verify = (fields: Record<string, string>) =>
  gateway("/lti/launch/verify", {
    method: "POST",
    // What the browser sends for the proof page's own form post.
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin" },
    body: new URLSearchParams(fields).toString(),
  });

describe("platform storage (lti_storage_target)", () => {
  it("answers login with a page that stores state and nonce in the platform's frame, origin-pinned", async () => {
    const l = await login(canvas, { extra: STORAGE });
    expect(l.response.status).toBe(200);
    const html = await l.response.text();
    const cfg = jsonScript(html, "lti-storage-put");
    expect(cfg.target).toBe("post_message_forwarding");
    expect(cfg.origin).toBe(canvas.origin);
    expect(cfg.items).toEqual([
      { key: `state-${l.state}`, value: l.state },
      { key: `nonce-${l.nonce}`, value: l.nonce },
    ]);
    expect(String(cfg.authUrl)).toContain(canvas.authorizationEndpoint);
    expect(l.response.headers.get("Content-Security-Policy")).toContain("script-src 'self' 'nonce-");
  });

  it("issues no token at launch; only after the page proves it holds the state", async () => {
    const { l, res } = await storageLaunch();
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain("atomic-guide-launch");
    expect(html).not.toMatch(/eyJ[A-Za-z0-9_-]+\.eyJ/);
    const cfg = jsonScript(html, "lti-storage-get");
    expect(cfg).toMatchObject({ target: "post_message_forwarding", origin: canvas.origin, key: `state-${l.state}` });

    const wrong = await verify({ verification: String(cfg.verification), state: "B".repeat(43) });
    expect(wrong.status).toBe(401);
    expect(await errorCode(wrong)).toBe("state_not_bound");
  });

  it("issues the token when the state comes back, once", async () => {
    const { l, res } = await storageLaunch();
    const cfg = jsonScript(await res.text(), "lti-storage-get");
    const ok = await verify({ verification: String(cfg.verification), state: l.state });
    expect(ok.status).toBe(200);
    const json = await launchJson(ok);
    expect(json.tenantId).toBe("example-university");
    const replay = await verify({ verification: String(cfg.verification), state: l.state });
    expect(replay.status).toBe(401);
    expect(await errorCode(replay)).toBe("invalid_verification");
  });

  it("still issues at once when the partitioned cookie did arrive", async () => {
    const l = await login(canvas, { extra: STORAGE });
    const token = await canvas.sign(canvas.idTokenClaims({ nonce: l.nonce, targetLinkUri: TARGET }));
    const res = await postLaunch({ id_token: token, state: l.state, ...STORAGE }, l.cookie);
    expect((await launchJson(res)).tenantId).toBe("example-university");
  });

  it("validates the id_token before showing the proof page", async () => {
    const l = await login(canvas, { extra: STORAGE });
    const claims = canvas.idTokenClaims({ nonce: l.nonce, targetLinkUri: TARGET });
    claims.aud = "someone-else";
    const res = await postLaunch({ id_token: await canvas.sign(claims), state: l.state, ...STORAGE });
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe("wrong_audience");
  });
});
