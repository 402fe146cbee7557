// Whether the gateway runs behind its web app's assets layer in the bench. Locally Miniflare
// emulates Cloudflare's static-asset routing with a router Worker in front of the gateway, which
// every gateway request passes through even with `run_worker_first` (about 0.25 ms of workerd CPU
// per request on this machine, seen 2026-12-03 with `--only="gateway: unknown" --no-profile`,
// with and without `--with-assets`); Cloudflare does that routing outside the Worker. No
// scenario requests /app/* (the e2e tests load the app through the layer), so by default the
// bench leaves it out and the upper bound measures our Workers, as it did before the gateway
// served the app itself. `--with-assets` puts it back, for comparison.

/** The `startSystem` option and the Method sentence for this run. */
export function chooseAssetsLayer(argv: string[]): { withoutAssets: boolean; text: string } {
  if (argv.includes("--with-assets")) {
    return { withoutAssets: false, text: "The gateway runs behind its local assets layer (`--with-assets`)." };
  }
  return {
    withoutAssets: true,
    text:
      "The gateway runs without its web app's assets layer: locally that is a router Worker Miniflare puts in " +
      "front of every gateway request, where Cloudflare routes assets outside the Worker, and no scenario requests " +
      "/app/* (`--with-assets` puts it back).",
  };
}
