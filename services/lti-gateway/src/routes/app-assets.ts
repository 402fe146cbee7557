import { notFound } from "@atomic-guide/shared";
import type { GatewayRouter } from "./router";

/**
 * The web app's files (apps/web/dist/app). The Worker runs first for them as for every path,
 * so they carry X-Request-Id like every other response (CONTRACT.md), and a missing file is
 * the usual 404 envelope rather than the asset layer's empty body. The asset binding answers
 * them with its own caching headers and ETags; no token is asked: the files are public.
 */
export function registerAppAssetRoutes(router: GatewayRouter): void {
  router.get("/app/*", async (request, env) => {
    const asset = await env.ASSETS.fetch(request);
    if (asset.status === 404) throw notFound("No such file.");
    return asset;
  });
}
