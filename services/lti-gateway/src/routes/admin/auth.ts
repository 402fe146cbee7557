import { ApiError } from "@atomic-guide/shared";
import { gatewayConfig } from "../../env";

const encoder = new TextEncoder();

/** Constant-time comparison, so response timing reveals nothing about the token. */
async function sameSecret(a: string, b: string): Promise<boolean> {
  const [ha, hb] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(ha, hb);
}

/** Throws 401 unless the request carries `Authorization: Bearer <ADMIN_TOKEN>`. */
export async function requireAdmin(request: Request, env: Env): Promise<void> {
  const header = request.headers.get("Authorization") ?? "";
  const match = /^Bearer (.+)$/.exec(header);
  if (!match?.[1] || !(await sameSecret(match[1], gatewayConfig(env).ADMIN_TOKEN))) {
    throw new ApiError(401, "unauthorized", "A valid operator token is required.");
  }
}
