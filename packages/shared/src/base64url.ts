/**
 * Base64url without padding (RFC 4648 §5): ids, tickets, cursors and headers that must survive
 * URLs and HTTP headers untouched. One implementation for the Workers and the browser.
 */
export const bytesToBase64Url = (bytes: Uint8Array): string =>
  bytesToBase64(bytes).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");

/** Standard base64 with padding, for values that are not put in URLs (CSP nonces, wrapped keys). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** The bytes of a base64url or plain base64 string (padded or not); throws on anything else. */
export function base64ToBytes(encoded: string): Uint8Array {
  const binary = atob(encoded.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** UTF-8 text as base64url, so any display name or JSON is header-safe. */
export const textToBase64Url = (text: string): string => bytesToBase64Url(new TextEncoder().encode(text));

/** The UTF-8 text behind `textToBase64Url`; throws on malformed base64. */
export const base64UrlToText = (encoded: string): string => new TextDecoder().decode(base64ToBytes(encoded));

/** `byteCount` random bytes as base64url: unguessable ids, states, nonces and tickets. */
export const randomBase64Url = (byteCount: number): string =>
  bytesToBase64Url(crypto.getRandomValues(new Uint8Array(byteCount)));
