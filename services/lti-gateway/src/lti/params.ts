import { readBoundedText } from "@atomic-guide/shared";
import { malformed } from "./errors";

const MAX_FORM_BYTES = 64 * 1024;

/** Query parameters (GET) or form fields (POST form_post), bounded; first value of each name wins. */
export async function requestParams(
  request: Request,
  opts: { query: boolean } = { query: true },
): Promise<Record<string, string>> {
  const url = new URL(request.url);
  const out: Record<string, string> = {};
  if (request.method === "POST") {
    const type = request.headers.get("Content-Type") ?? "";
    if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
      throw malformed("unsupported_content_type", "Expected an application/x-www-form-urlencoded form post.");
    }
    let text: string;
    try {
      text = await readBoundedText(request, MAX_FORM_BYTES);
    } catch {
      throw malformed("form_too_large", "The form post is too large or not UTF-8.");
    }
    for (const [k, value] of new URLSearchParams(text)) if (!(k in out)) out[k] = value;
  }
  if (opts.query) for (const [k, value] of url.searchParams) if (!(k in out)) out[k] = value;
  return out;
}
