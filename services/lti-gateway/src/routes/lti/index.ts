import { JWKS_MAX_AGE_SECONDS, toolJwks } from "../../keys/store";
import { handleDeepLinkResponse } from "../../lti/deep-link";
import { handleDynamicRegistration } from "../../lti/dynamic-registration";
import { withLtiErrorPage } from "../../lti/errors";
import { handleLaunch, handleLaunchVerify } from "../../lti/launch";
import { handleLogin } from "../../lti/login";
import { toolUrlsFor } from "../../lti/tool-urls";
import type { GatewayRouter } from "../router";

async function jwksResponse(env: Env): Promise<Response> {
  return Response.json(await toolJwks(env), {
    headers: { "Cache-Control": `public, max-age=${JWKS_MAX_AGE_SECONDS}`, "Access-Control-Allow-Origin": "*" },
  });
}

/** /lti/* and /.well-known/*: login, launch, deep linking, JWKS, registration, config. */
export function registerLtiRoutes(router: GatewayRouter): void {
  router.get("/lti/init", (request, env) => withLtiErrorPage(() => handleLogin(request, env)));
  router.post("/lti/init", (request, env) => withLtiErrorPage(() => handleLogin(request, env)));
  router.post("/lti/launch", (request, env, ctx) => withLtiErrorPage(() => handleLaunch(request, env, ctx)));
  router.post("/lti/launch/verify", (request, env, ctx) =>
    withLtiErrorPage(() => handleLaunchVerify(request, env, ctx)),
  );
  router.get("/lti/register", (request, env) => withLtiErrorPage(() => handleDynamicRegistration(request, env)));
  // Called by the picker's script with the API token: errors are the JSON envelope, success a page.
  router.post("/lti/deep_link", (request, env) => handleDeepLinkResponse(request, env));
  router.get("/.well-known/jwks.json", (_request, env) => jwksResponse(env));
  router.get("/lti/jwks", (_request, env) => jwksResponse(env));
  router.get("/lti/config", (request) => {
    const urls = toolUrlsFor(request);
    return Response.json(
      {
        loginUrl: urls.loginUrl,
        launchUrl: urls.launchUrl,
        targetLinkUri: urls.targetLinkUri,
        jwksUrl: urls.jwksUrl,
        deepLinkUrl: urls.deepLinkUrl,
        registrationUrl: urls.registrationUrl,
        redirectUris: [urls.launchUrl],
        domain: new URL(urls.origin).host,
        scopes: ["https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"],
        messages: ["LtiResourceLinkRequest", "LtiDeepLinkingRequest"],
      },
      { headers: { "Cache-Control": "public, max-age=300" } },
    );
  });
}
