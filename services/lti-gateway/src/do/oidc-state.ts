import { DurableObject } from "cloudflare:workers";

/** OIDC login state and nonce: created at login, consumed exactly once at launch. */
export class OIDCStateDurableObject extends DurableObject<Env> {
  async ping(): Promise<"pong"> {
    return "pong";
  }
}
