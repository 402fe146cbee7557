import { WorkerEntrypoint } from "cloudflare:workers";
import { type AnalyticsRpc, handleWithEnvelope, type ServiceHealth, serviceHealth } from "@atomic-guide/shared";
import { router } from "./routes";

export { MetricsBufferDO } from "./do/metrics-buffer";

const SERVICE = "analytics";

/** Reached only over service bindings: `fetch` for forwarded /api, RPC for the rest. */
export default class AnalyticsService extends WorkerEntrypoint<Env> implements AnalyticsRpc {
  override async fetch(request: Request): Promise<Response> {
    return handleWithEnvelope(SERVICE, request, { env: this.env, ctx: this.ctx }, (hctx) =>
      router.fetch(request, this.env, this.ctx, hctx),
    );
  }

  async health(): Promise<ServiceHealth> {
    const ns = this.env.METRICS_BUFFER;
    return serviceHealth({
      db: this.env.DB,
      kv: this.env.SNAPSHOTS,
      pingDurableObject: () => ns.get(ns.idFromName("health")).ping(),
      version: this.env.CF_VERSION_METADATA?.id,
    });
  }
}
