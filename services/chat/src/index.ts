import { WorkerEntrypoint } from "cloudflare:workers";
import { type ChatRpc, handleWithEnvelope, type ServiceHealth, serviceHealth } from "@atomic-guide/shared";
import { router } from "./routes";

export { ChatConversationDO } from "./do/chat-conversation";

const SERVICE = "chat";

/** Reached only over service bindings: `fetch` for forwarded /api and /ws, RPC for the rest. */
export default class ChatService extends WorkerEntrypoint<Env> implements ChatRpc {
  override async fetch(request: Request): Promise<Response> {
    return handleWithEnvelope(SERVICE, request, { env: this.env, ctx: this.ctx }, (hctx) =>
      router.fetch(request, this.env, this.ctx, hctx),
    );
  }

  async health(): Promise<ServiceHealth> {
    const ns = this.env.CHAT_CONVERSATIONS;
    return serviceHealth({
      db: this.env.DB,
      kv: this.env.SNAPSHOTS,
      pingDurableObject: () => ns.get(ns.idFromName("health")).ping(),
      version: this.env.CF_VERSION_METADATA?.id,
    });
  }
}
