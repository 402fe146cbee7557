// Test-only: an admin API request as an operator's script sends it. Not imported by the Worker.
import { env, exports } from "cloudflare:workers";

/**
 * `body` goes as JSON (a string as is, for malformed bodies); `token` is the test ADMIN_TOKEN
 * unless a test passes another, or null for none.
 */
export function admin(method: string, path: string, body?: unknown, token: string | null = env.ADMIN_TOKEN) {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  return exports.default.fetch(
    new Request(`http://localhost${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
}
