import { readBoundedBytes } from "@atomic-guide/shared";

/**
 * A platform's JSON answer (OpenID configuration, registration answer, JWKS), read with a byte
 * cap while streaming so an endless or huge body never fills memory. null when it is too large,
 * not UTF-8 or not JSON.
 */
export async function readPlatformJson(response: Response, maxBytes: number): Promise<unknown> {
  if (Number(response.headers.get("content-length") ?? "0") > maxBytes) {
    await response.body?.cancel();
    return null;
  }
  if (!response.body) return null;
  try {
    const bytes = await readBoundedBytes(response.body, maxBytes);
    return JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    return null;
  }
}
