import { WorkerEntrypoint } from "cloudflare:workers";
import { handleWithEnvelope, type ServiceHealth, type StruggleDetectorRpc, serviceHealth } from "@atomic-guide/shared";
import { router } from "./routes";

export { StruggleDetectorDO } from "./do/struggle-detector";

const SERVICE = "struggle-detector";

/** Reached only over service bindings: `fetch` for forwarded /api and /ws, RPC for the rest. */
export default class StruggleDetectorService extends WorkerEntrypoint<Env> implements StruggleDetectorRpc {
  override async fetch(request: Request): Promise<Response> {
    return handleWithEnvelope(SERVICE, request, { env: this.env, ctx: this.ctx }, (hctx) =>
      router.fetch(request, this.env, this.ctx, hctx),
    );
  }

  async health(): Promise<ServiceHealth> {
    const ns = this.env.STRUGGLE_DETECTOR;
    return serviceHealth({
      db: this.env.DB,
      kv: this.env.SNAPSHOTS,
      pingDurableObject: () => ns.get(ns.idFromName("health")).ping(),
      version: this.env.CF_VERSION_METADATA?.id,
    });
  }
}
