// A simulated LMS for LTI 1.3: RSA keys, a JWKS, an OIDC authorization endpoint, an OAuth
// token endpoint, Names and Roles, an OpenID configuration and a registration endpoint for
// Dynamic Registration, and id_tokens shaped like Canvas's or Moodle's. It runs anywhere with
// WebCrypto and fetch (workerd tests, Node scripts) and depends on nothing, so it is an
// independent second implementation of the signing side: the gateway's validator (jose) never
// checks its own output. Erasable TypeScript only, so Node runs it without a build step.

import { idTokenClaims as claimsOf, type IdTokenOptions } from "./lti-claims.ts";
import { generateSigningKey, type SigningKey, signJwt } from "./lti-jws.ts";

export type { ClaimingPlatform, IdTokenOptions, LaunchUser } from "./lti-claims.ts";
export * from "./lti-jws.ts";

export type PlatformShape = "canvas" | "moodle";

export interface PlatformOptions {
  shape: PlatformShape;
  /** Where the platform lives, e.g. https://canvas.test or http://127.0.0.1:9001. */
  origin: string;
  /** Defaults: Canvas's shared cloud issuer, Moodle's wwwroot (= origin). */
  issuer?: string;
  clientId?: string;
  deploymentId?: string;
  /** Cache-Control the JWKS endpoint answers with. */
  jwksCacheControl?: string;
}

export interface AuthRequest {
  state: string;
  nonce: string;
  redirectUri: string;
  loginHint: string;
  messageHint?: string;
  clientId: string;
  url: URL;
}

export interface RosterMember {
  user_id: string;
  name?: string;
  roles: string[];
  status?: string;
}

/** A platform in memory. `handle` answers the HTTP requests a tool makes to it. */
export class SimulatedPlatform {
  readonly shape: PlatformShape;
  readonly origin: string;
  readonly issuer: string;
  clientId: string;
  deploymentId: string;
  readonly keys: SigningKey[] = [];
  jwksCacheControl: string;
  /** Every request the tool made to this platform, in order. */
  readonly requests: { method: string; url: string; headers: Record<string, string>; body: string }[] = [];
  roster: RosterMember[] = [];
  rosterPageSize = 2;
  /** What the registration endpoint answers (Dynamic Registration); set by tests to simulate refusals. */
  registrationAnswer: { status: number; body: unknown } | undefined;
  lastRegistration: Record<string, unknown> | undefined;
  /** When set, the openid configuration requires this bearer token (Canvas does). */
  registrationToken: string | undefined;
  /** Overrides fields of the served OpenID configuration. */
  configurationOverrides: Record<string, unknown> = {};
  /**
   * JSON files anyone could place on this platform's host (a user upload, a static folder),
   * by path: what an attacker who cannot sign as the platform may still serve under its issuer.
   */
  hostedFiles: Record<string, unknown> = {};
  accessTokensIssued = 0;

  private constructor(opts: PlatformOptions) {
    this.shape = opts.shape;
    this.origin = opts.origin.replace(/\/+$/, "");
    this.issuer = opts.issuer ?? (opts.shape === "canvas" ? "https://canvas.instructure.com" : this.origin);
    this.clientId = opts.clientId ?? (opts.shape === "canvas" ? "10000000000042" : "aBcD3fGh1jKlMn0");
    this.deploymentId =
      opts.deploymentId ?? (opts.shape === "canvas" ? "22108:a8a76fb8c1b1e4ed8a2d2d85a1a5d5b1d9c7f9e1" : "2");
    this.jwksCacheControl = opts.jwksCacheControl ?? "max-age=300";
  }

  static async create(opts: PlatformOptions): Promise<SimulatedPlatform> {
    const platform = new SimulatedPlatform(opts);
    platform.keys.push(await generateSigningKey());
    return platform;
  }

  get currentKey(): SigningKey {
    const key = this.keys[0];
    if (!key) throw new Error("no platform key");
    return key;
  }

  get authorizationEndpoint() {
    return this.shape === "canvas" ? `${this.origin}/api/lti/authorize_redirect` : `${this.origin}/mod/lti/auth.php`;
  }
  get tokenEndpoint() {
    return this.shape === "canvas" ? `${this.origin}/login/oauth2/token` : `${this.origin}/mod/lti/token.php`;
  }
  get jwksUri() {
    return this.shape === "canvas" ? `${this.origin}/api/lti/security/jwks` : `${this.origin}/mod/lti/certs.php`;
  }
  get registrationEndpoint() {
    return this.shape === "canvas"
      ? `${this.origin}/api/lti/registrations`
      : `${this.origin}/mod/lti/openid-registration.php`;
  }
  /** Canvas builds it on the issuer host; here the issuer host is the origin when they match. */
  get openidConfigurationUrl() {
    return this.shape === "canvas"
      ? `${this.origin}/api/lti/security/openid-configuration`
      : `${this.origin}/mod/lti/openid-configuration.php`;
  }
  get membershipsUrl() {
    return this.shape === "canvas"
      ? `${this.origin}/api/lti/courses/42/names_and_roles`
      : `${this.origin}/mod/lti/services.php/CourseSection/42/bindings/2/memberships`;
  }

  /** Adds a key and signs with it from now on; the old one stays in the JWKS. */
  async rotateKey(opts: { dropOld?: boolean } = {}): Promise<SigningKey> {
    const key = await generateSigningKey();
    if (opts.dropOld) this.keys.length = 0;
    this.keys.unshift(key);
    return key;
  }

  jwks() {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  /** The body for POST /admin/platforms. */
  registrationBody(extra: Record<string, unknown> = {}) {
    return {
      issuer: this.issuer,
      clientId: this.clientId,
      deploymentIds: [this.deploymentId],
      authorizationEndpoint: this.authorizationEndpoint,
      tokenEndpoint: this.tokenEndpoint,
      jwksUri: this.jwksUri,
      name: this.shape === "canvas" ? "Canvas (simulated)" : "Moodle (simulated)",
      ...extra,
    };
  }

  /** Login initiation parameters as this LMS sends them. */
  loginParams(targetLinkUri: string, extra: Record<string, string> = {}): Record<string, string> {
    const base: Record<string, string> = {
      iss: this.issuer,
      login_hint: this.shape === "canvas" ? "535fa085f22b4655f48cd5a36a9215f64c062838" : "4",
      target_link_uri: targetLinkUri,
      client_id: this.clientId,
      lti_message_hint:
        this.shape === "canvas"
          ? "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.hint.sig"
          : '{"cmid":7,"launchid":"ltilaunch1"}',
    };
    if (this.shape === "canvas") {
      base.deployment_id = this.deploymentId;
      base.canvas_region = "us-east-1";
      base.canvas_environment = "prod";
    } else {
      base.lti_deployment_id = this.deploymentId;
    }
    return { ...base, ...extra };
  }

  /** Reads the tool's authentication request (the 302 Location or the storage page's URL). */
  parseAuthRequest(location: string): AuthRequest {
    const url = new URL(location);
    const get = (k: string) => url.searchParams.get(k) ?? "";
    const messageHint = url.searchParams.get("lti_message_hint");
    return {
      url,
      state: get("state"),
      nonce: get("nonce"),
      redirectUri: get("redirect_uri"),
      loginHint: get("login_hint"),
      clientId: get("client_id"),
      ...(messageHint !== null ? { messageHint } : {}),
    };
  }

  /** The claims this LMS puts in an id_token. */
  idTokenClaims(opts: IdTokenOptions): Record<string, unknown> {
    return claimsOf(this, opts);
  }

  /** Signs claims as this platform, with its current key unless a header says otherwise. */
  async sign(
    claims: Record<string, unknown>,
    header: Record<string, unknown> = {},
    key = this.currentKey,
  ): Promise<string> {
    return signJwt({ typ: "JWT", alg: "RS256", kid: key.kid, ...header }, claims, key.privateKey);
  }

  private json(body: unknown, status = 200, headers: Record<string, string> = {}) {
    return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
  }

  configuration(): Record<string, unknown> {
    return {
      issuer: this.issuer,
      authorization_endpoint: this.authorizationEndpoint,
      registration_endpoint: this.registrationEndpoint,
      jwks_uri: this.jwksUri,
      token_endpoint: this.tokenEndpoint,
      token_endpoint_auth_methods_supported: ["private_key_jwt"],
      token_endpoint_auth_signing_alg_values_supported: ["RS256"],
      scopes_supported: ["openid", "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"],
      response_types_supported: ["id_token"],
      id_token_signing_alg_values_supported: ["RS256"],
      claims_supported: ["sub", "iss", "name", "given_name", "family_name", "email"],
      subject_types_supported: ["public", "pairwise"],
      ...(this.shape === "canvas" ? { authorization_server: new URL(this.origin).host } : {}),
      "https://purl.imsglobal.org/spec/lti-platform-configuration": {
        product_family_code: this.shape,
        version: this.shape === "canvas" ? "cloud" : "4.4",
        messages_supported: [{ type: "LtiResourceLinkRequest" }, { type: "LtiDeepLinkingRequest" }],
        ...(this.shape === "canvas" ? { "https://canvas.instructure.com/lti/account_name": "Example University" } : {}),
      },
      ...this.configurationOverrides,
    };
  }

  /** Answers a request the tool made to this platform, or undefined if it is not for us. */
  async handle(request: Request): Promise<Response | undefined> {
    const url = new URL(request.url);
    if (url.origin !== this.origin) return undefined;
    const body = request.method === "GET" ? "" : new TextDecoder().decode(await request.arrayBuffer());
    this.requests.push({
      method: request.method,
      url: request.url,
      headers: Object.fromEntries(request.headers),
      body,
    });
    const path = url.pathname;
    if (Object.hasOwn(this.hostedFiles, path)) return this.json(this.hostedFiles[path]);
    if (path === new URL(this.jwksUri).pathname) {
      return this.json(this.jwks(), 200, { "Cache-Control": this.jwksCacheControl });
    }
    if (path === new URL(this.openidConfigurationUrl).pathname) {
      if (this.registrationToken && request.headers.get("Authorization") !== `Bearer ${this.registrationToken}`) {
        return this.json({ errors: [{ message: "registration token required" }] }, 401);
      }
      return this.json(this.configuration());
    }
    if (path === new URL(this.registrationEndpoint).pathname && request.method === "POST") {
      if (this.registrationToken && request.headers.get("Authorization") !== `Bearer ${this.registrationToken}`) {
        return this.json({ errors: [{ message: "registration token required" }] }, 401);
      }
      this.lastRegistration = JSON.parse(body) as Record<string, unknown>;
      if (this.registrationAnswer) return this.json(this.registrationAnswer.body, this.registrationAnswer.status);
      const toolConfig = "https://purl.imsglobal.org/spec/lti-tool-configuration";
      return this.json({
        ...this.lastRegistration,
        client_id: this.clientId,
        // Moodle names the deployment at registration; Canvas does not.
        ...(this.shape === "moodle"
          ? { [toolConfig]: { ...(this.lastRegistration[toolConfig] as object), deployment_id: this.deploymentId } }
          : {}),
      });
    }
    if (path === new URL(this.tokenEndpoint).pathname && request.method === "POST") {
      const form = new URLSearchParams(body);
      const assertion = form.get("client_assertion");
      if (form.get("grant_type") !== "client_credentials" || !assertion)
        return this.json({ error: "invalid_request" }, 400);
      this.accessTokensIssued++;
      return this.json({
        access_token: `at-${this.accessTokensIssued}`,
        token_type: "Bearer",
        expires_in: 3600,
        scope: form.get("scope"),
      });
    }
    if (path === new URL(this.membershipsUrl).pathname) {
      if (!(request.headers.get("Authorization") ?? "").startsWith("Bearer at-"))
        return this.json({ error: "unauthorized" }, 401);
      const page = Number(url.searchParams.get("page") ?? "1");
      const start = (page - 1) * this.rosterPageSize;
      const members = this.roster.slice(start, start + this.rosterPageSize);
      const headers: Record<string, string> = {
        "Content-Type": "application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
      };
      if (start + this.rosterPageSize < this.roster.length) {
        const next = new URL(this.membershipsUrl);
        next.searchParams.set("page", String(page + 1));
        headers.Link = `<${next.toString()}>; rel="next"`;
      }
      return this.json({ id: this.membershipsUrl, context: { id: "42" }, members }, 200, headers);
    }
    return this.json({ error: "not_found" }, 404);
  }
}

/**
 * A fetch that sends requests for the given platforms to them and everything else to `fallback`.
 * Tests install it as the Worker's global fetch (the outbound HTTP boundary).
 */
export function platformFetch(platforms: SimulatedPlatform[], fallback: typeof fetch): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    for (const p of platforms) {
      const answer = await p.handle(request.clone());
      if (answer) return answer;
    }
    return fallback(request);
  };
}
