import * as v from "valibot";
import { ApiError } from "./errors";

/** docs/api.md, Conventions: request bodies over 256 KiB are refused with 413. */
export const MAX_BODY_BYTES = 256 * 1024;

function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const path = v.getDotPath(issue);
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join("; ");
}

/** Validates a value that came from outside the current trust boundary (RPC args, KV JSON, env). */
export function parseWith<S extends v.GenericSchema>(
  schema: S,
  value: unknown,
  code = "invalid_request",
): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (!result.success) throw new ApiError(400, code, describeIssues(result.issues));
  return result.output;
}

const tooLarge = (limit: number) =>
  new ApiError(413, "payload_too_large", `Request bodies are limited to ${limit} bytes.`);

/** Reads a stream whole, refusing it (413) as soon as it passes `limit` bytes rather than after. */
export async function readBoundedBytes(body: ReadableStream<Uint8Array>, limit = MAX_BODY_BYTES): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return all;
}

/** Reads a bounded body as text; refuses oversize bodies before buffering them whole. */
export async function readBoundedText(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) throw tooLarge(limit);
  if (!request.body) return "";
  const all = await readBoundedBytes(request.body, limit);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(all);
  } catch {
    throw new ApiError(400, "invalid_encoding", "The request body must be UTF-8.");
  }
}

/** Parses and validates a JSON request body: 413 when too large, 400 when malformed or invalid. */
export async function parseJsonBody<S extends v.GenericSchema>(request: Request, schema: S): Promise<v.InferOutput<S>> {
  const text = await readBoundedText(request);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "The request body is not valid JSON.");
  }
  return parseWith(schema, data);
}

/** Parses query parameters (single values) against a schema of string-typed fields. */
export function parseQuery<S extends v.GenericSchema>(url: URL, schema: S): v.InferOutput<S> {
  return parseWith(schema, Object.fromEntries(url.searchParams), "invalid_query");
}

/** ISO 8601 UTC with milliseconds, as the contract requires for every timestamp. */
export const IsoTimestampSchema = v.pipe(
  v.string(),
  v.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/, "must be an ISO 8601 UTC timestamp"),
  v.check((s) => !Number.isNaN(Date.parse(s)), "must be a real date"),
);

export const nowIso = (ms = Date.now()) => new Date(ms).toISOString();

/**
 * Decodes one path parameter. A malformed `%` escape (`%zz`, a lone `%`, broken UTF-8) is the
 * caller's mistake: 400 `invalid_path`, never the URIError that decodeURIComponent throws.
 */
export function decodePathParam(raw: string | undefined): string {
  try {
    return decodeURIComponent(raw ?? "");
  } catch {
    throw new ApiError(400, "invalid_path", "The path has a malformed % escape.");
  }
}

/** Identifiers that cross boundaries: bounded, printable, no control characters. */
export const IdSchema = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(255),
  v.regex(/^[\x21-\x7e]+$/, "must be printable ASCII"),
);
