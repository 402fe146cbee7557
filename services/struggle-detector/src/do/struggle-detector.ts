import { DurableObject } from "cloudflare:workers";

/** Real-time detection state for one learner of one tenant. */
export class StruggleDetectorDO extends DurableObject<Env> {
  async ping(): Promise<"pong"> {
    return "pong";
  }
}
