import { ApiError, createLogger, randomBase64Url } from "@atomic-guide/shared";
import * as v from "valibot";
import { API_TOKEN_TTL_SECONDS, ApiTokenClaimsSchema } from "../../auth/api-token";
import { authenticate, callerFromClaims } from "../../auth/caller";
import { stateObject } from "../../do/oidc-state";
import { forwardToService } from "../../forward/forward";
import { WS_ROUTES } from "../../forward/routes";
import { checkAccess } from "./access";
import { requireNoInput } from "./empty-body";

const log = createLogger({ service: "lti-gateway", module: "realtime" });

/** Browsers cannot set headers on a WebSocket, so the upgrade carries a short-lived ticket. */
export const TICKET_TTL_SECONDS = 60;
const TICKET_BYTES = 32;
const TicketIdSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/));
const TicketRecordSchema = v.object({ claims: ApiTokenClaimsSchema, tokenExpiresAtMs: v.number() });

const ticketKey = (id: string) => `ticket:${id}`;

const newTicketId = () => randomBase64Url(TICKET_BYTES);

const invalidTicket = () =>
  new ApiError(401, "invalid_ticket", "The realtime ticket is missing, used or expired. Ask for a new one.");

/**
 * POST /api/realtime/ticket: a 256-bit single-use ticket in the state Durable Object, valid for
 * 60 s or until the API token expires, whichever is sooner.
 */
export async function issueTicket(request: Request, env: Env): Promise<Response> {
  const caller = await authenticate(request, env);
  await requireNoInput(request);
  const ttlMs = Math.min(TICKET_TTL_SECONDS * 1000, caller.expiresAtMs - Date.now());
  if (ttlMs < 1000) throw new ApiError(401, "token_expired", "The API token has expired. Launch the tool again.");
  const ticket = newTicketId();
  await stateObject(env, ticketKey(ticket)).put({ claims: caller.claims, tokenExpiresAtMs: caller.expiresAtMs }, ttlMs);
  return Response.json({ ticket, expiresIn: Math.floor(ttlMs / 1000) }, { headers: { "Cache-Control": "no-store" } });
}

/**
 * GET /ws/chat and /ws/signals: consumes the ticket (atomically, once), then forwards the
 * upgrade to the owning service with the ticket's identity and returns its 101 as it is.
 */
export async function upgradeWebSocket(request: Request, env: Env, requestId: string): Promise<Response> {
  const url = new URL(request.url);
  const route = WS_ROUTES[url.pathname];
  if (!route) throw new ApiError(404, "not_found", "No such realtime channel.");
  // Checked before the ticket is spent, so a plain GET cannot burn it.
  if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade_required", "This endpoint only accepts WebSocket upgrades.", {
      Upgrade: "websocket",
    });
  }
  const id = v.safeParse(TicketIdSchema, url.searchParams.get("ticket"));
  if (!id.success) throw invalidTicket();
  const stored = await stateObject(env, ticketKey(id.output)).take();
  if (stored === null) throw invalidTicket();
  const record = v.safeParse(TicketRecordSchema, stored);
  if (!record.success) {
    log.warn("malformed ticket record");
    throw invalidTicket();
  }
  const caller = await callerFromClaims(env, record.output.claims, record.output.tokenExpiresAtMs);
  const flags = await checkAccess(env, caller, route);
  // The ticket is spent; keep it out of the service's URL and logs.
  url.searchParams.delete("ticket");
  // The socket outlives this request: the service closes it at the token's expiry or when its
  // registration is revoked, so it is told which token it serves (docs/security.md).
  const token = {
    issuer: caller.claims.issuer,
    clientId: caller.claims.clientId,
    issuedAtMs: caller.expiresAtMs - API_TOKEN_TTL_SECONDS * 1000,
    expiresAtMs: caller.expiresAtMs,
  };
  return forwardToService(env, request, {
    service: route.service,
    auth: { ...caller.auth, token },
    flags,
    url,
    requestId,
  });
}
