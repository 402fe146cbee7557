// Runs inside workerd, in a service's own tests: a request as the gateway forwards it, sent to
// the service under test through its own entrypoint.
import { exports } from "cloudflare:workers";
import { type AuthContext, encodeAuthContext } from "@atomic-guide/shared";

interface ServiceFetch {
  fetch(request: Request): Promise<Response>;
}

/**
 * `call(auth, method, path, body?)` for the service at `http://<host>`: `auth` travels in
 * X-Atomic-Auth; a body is sent as JSON, or as it is when it is a string (malformed input).
 */
export function callAs(host: string) {
  const entry = exports.default as unknown as ServiceFetch;
  return (auth: AuthContext, method: string, path: string, body?: unknown) =>
    entry.fetch(
      new Request(`http://${host}${path}`, {
        method,
        headers: { "X-Atomic-Auth": encodeAuthContext(auth), "Content-Type": "application/json" },
        ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
      }),
    );
}
