import * as v from "valibot";
import { ApiError, isApiErrorLike } from "../errors";

/**
 * RPC carried by `fetch` over a service binding, for the one case plain RPC cannot serve: a call
 * that must reach a pinned version. Cloudflare honours `Cloudflare-Workers-Version-Overrides`
 * only on fetch() over a service binding, never on RPC (docs/operations.md, "Pins"). The caller
 * POSTs `{args}` to `/_rpc/<method>` with the override header; the service answers `{result}`
 * or the usual error envelope. Services are reachable only over bindings and the gateway
 * forwards /api and /ws alone, so no client can reach these paths.
 */
export const RPC_OVER_FETCH_PREFIX = "/_rpc/";
const MethodSchema = v.pipe(v.string(), v.regex(/^[a-zA-Z][a-zA-Z0-9]{0,63}$/));
const CallSchema = v.object({ args: v.pipe(v.array(v.unknown()), v.maxLength(8)) });
const ErrorSchema = v.object({ error: v.object({ code: v.string(), message: v.string() }) });

/** Calls `method` on the service behind `binding` through fetch, with `headers` (the version override). */
export async function callOverFetch<T>(
  binding: Fetcher,
  method: string,
  args: readonly unknown[],
  headers: Record<string, string>,
): Promise<T> {
  const res = await binding.fetch(`http://internal${RPC_OVER_FETCH_PREFIX}${v.parse(MethodSchema, method)}`, {
    method: "POST",
    headers: { ...headers, "Content-Type": "application/json" },
    body: JSON.stringify({ args }),
  });
  const body: unknown = await res.json().catch(() => null);
  if (res.ok) return (body as { result: T }).result;
  const error = v.safeParse(ErrorSchema, body);
  throw error.success
    ? new ApiError(res.status, error.output.error.code, error.output.error.message)
    : new ApiError(502, "service_error", "The service gave no answer.");
}

/**
 * The service side: answers a `/_rpc/<method>` request by calling `target[method]` when the
 * method is in `methods` (the service's RPC contract), or returns null for any other path.
 */
export async function serveRpcOverFetch(
  request: Request,
  target: object,
  methods: readonly string[],
): Promise<Response | null> {
  const path = new URL(request.url).pathname;
  if (!path.startsWith(RPC_OVER_FETCH_PREFIX)) return null;
  const method = path.slice(RPC_OVER_FETCH_PREFIX.length);
  const fn = (target as Record<string, unknown>)[method];
  if (request.method !== "POST" || !methods.includes(method) || typeof fn !== "function") {
    return Response.json({ error: { code: "not_found", message: "No such method." } }, { status: 404 });
  }
  const call = v.safeParse(CallSchema, await request.json().catch(() => null));
  if (!call.success) {
    return Response.json({ error: { code: "invalid_request", message: "Malformed call." } }, { status: 400 });
  }
  try {
    const result: unknown = await fn.apply(target, call.output.args);
    return Response.json({ result: result ?? null });
  } catch (e) {
    if (isApiErrorLike(e)) {
      return Response.json({ error: { code: e.code, message: e.message } }, { status: e.status });
    }
    return Response.json({ error: { code: "internal_error", message: "The call failed." } }, { status: 500 });
  }
}
