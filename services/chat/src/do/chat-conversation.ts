import { DurableObject } from "cloudflare:workers";

/** One conversation, bound to its owner (tenant and learner) at creation. */
export class ChatConversationDO extends DurableObject<Env> {
  async ping(): Promise<"pong"> {
    return "pong";
  }
}
