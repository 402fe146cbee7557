import { ApiError, MAX_BODY_BYTES, readBoundedBytes } from "@atomic-guide/shared";

const tooLarge = () => new ApiError(413, "payload_too_large", `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);

/**
 * The body to forward, refused with 413 before anything reaches a service when it is over
 * 256 KiB. A body with a declared Content-Length (the normal case from browsers) is checked by
 * that length and streamed through untouched; one without (chunked) is read up to the limit.
 */
export async function forwardableBody(
  request: Request,
): Promise<{ body: ReadableStream<Uint8Array> | Uint8Array | null; streamed: boolean }> {
  if (request.method === "GET" || request.method === "HEAD" || request.body === null) {
    return { body: null, streamed: false };
  }
  const declared = request.headers.get("Content-Length");
  if (declared !== null) {
    if (!/^\d{1,15}$/.test(declared)) throw new ApiError(400, "invalid_request", "Content-Length is malformed.");
    if (Number(declared) > MAX_BODY_BYTES) throw tooLarge();
    return { body: request.body, streamed: true };
  }
  return { body: await readBoundedBytes(request.body), streamed: false };
}
