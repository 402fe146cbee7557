import { DurableObject } from "cloudflare:workers";

/** Buffers metric samples and writes them to D1 in few, large batches. */
export class MetricsBufferDO extends DurableObject<Env> {
  async ping(): Promise<"pong"> {
    return "pong";
  }
}
