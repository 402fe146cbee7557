import {
  ApiError,
  type AuthContext,
  BACKEND_SERVICES,
  type BackendService,
  createLogger,
  errorFields,
  nowIso,
  withTimeout,
} from "@atomic-guide/shared";
import { pinnedBinding } from "@atomic-guide/shared/rpc/version-pins";
import * as v from "valibot";
import { authenticate, type Caller } from "../../auth/caller";
import { revokeLearnerTokens } from "../../auth/revocation";
import { requireNoInput } from "./empty-body";

const log = createLogger({ service: "lti-gateway", module: "privacy" });

/**
 * The learner-data methods every service offers over RPC (docs/api.md, Privacy). Declared here rather
 * than taken from the shared RPC contracts so the gateway compiles whichever service has added
 * them yet; a service without them fails at call time and is reported, never skipped silently.
 */
interface LearnerDataRpc {
  exportLearner(auth: AuthContext): Promise<unknown>;
  eraseLearner(auth: AuthContext): Promise<unknown>;
}

const EraseResultSchema = v.object({ deleted: v.pipe(v.number(), v.integer(), v.minValue(0)) });

const RPC_TIMEOUT_MS = 15_000;

/** The service's learner-data methods, for this caller's tenant (a pinned tenant reaches its candidate). */
function learnerDataOf(env: Env, service: BackendService, auth: AuthContext): LearnerDataRpc {
  const bindings: Record<BackendService, Fetcher> = {
    chat: env.CHAT,
    "struggle-detector": env.STRUGGLE_DETECTOR,
    analytics: env.ANALYTICS,
  };
  return pinnedBinding<LearnerDataRpc>(bindings[service], service, auth, env.ENVIRONMENT);
}

type Outcome<T> = { ok: true; value: T } | { ok: false };

/** Calls every service at once; a failure is logged and reported per service. */
async function fanOut<T>(
  env: Env,
  op: "exportLearner" | "eraseLearner",
  auth: AuthContext,
  check: (answer: unknown) => T,
): Promise<Record<BackendService, Outcome<T>>> {
  const outcomes = await Promise.all(
    BACKEND_SERVICES.map(async (service): Promise<Outcome<T>> => {
      try {
        const answer = await withTimeout(learnerDataOf(env, service, auth)[op](auth), RPC_TIMEOUT_MS);
        return { ok: true, value: check(answer) };
      } catch (e) {
        log.error("learner data call failed", {
          op,
          targetService: service,
          tenantId: auth.tenantId,
          ...errorFields(e),
        });
        return { ok: false };
      }
    }),
  );
  return Object.fromEntries(BACKEND_SERVICES.map((s, i) => [s, outcomes[i]])) as Record<BackendService, Outcome<T>>;
}

/**
 * What the gateway itself holds about a learner: only the identity the platform asserted at
 * launch, carried in the API token. Login state and realtime tickets are deleted on use and
 * expire within minutes; registrations, tenants and flags describe the institution, not the learner.
 */
function gatewayRecord(caller: Caller) {
  const c = caller.claims;
  return {
    identity: {
      tenantId: c.tenantId,
      userId: c.userId,
      name: c.name ?? null,
      roles: c.roles,
      isInstructor: c.isInstructor,
      contextId: c.contextId,
      contextTitle: c.contextTitle ?? null,
      platform: { issuer: c.issuer, clientId: c.clientId, deploymentId: c.deploymentId },
    },
    stored: [],
  };
}

/** GET /api/learners/me/export: one JSON document from every service; 503 unless all answered. */
export async function exportLearner(request: Request, env: Env): Promise<Response> {
  const caller = await authenticate(request, env);
  const results = await fanOut(env, "exportLearner", caller.auth, (answer) => answer ?? null);
  const missing = BACKEND_SERVICES.filter((s) => !results[s].ok);
  if (missing.length > 0) {
    // A partial file presented as "everything we hold about you" would mislead; ask to retry.
    throw new ApiError(
      503,
      "export_incomplete",
      `Could not gather data from: ${missing.join(", ")}. Try again shortly.`,
      {
        "Retry-After": "30",
      },
    );
  }
  const services: Record<string, unknown> = { "lti-gateway": gatewayRecord(caller) };
  for (const s of BACKEND_SERVICES) {
    const r = results[s];
    if (r.ok) services[s] = r.value;
  }
  const document = {
    exportedAt: nowIso(),
    tenantId: caller.auth.tenantId,
    userId: caller.auth.userId,
    services,
  };
  return Response.json(document, {
    headers: {
      "Cache-Control": "no-store",
      "Content-Disposition": 'attachment; filename="atomic-guide-export.json"',
    },
  });
}

/**
 * DELETE /api/learners/me: asks every service to erase the caller's data and answers 202 with a
 * receipt naming each service's outcome. Erasure is idempotent, so a receipt with a failed
 * service is answered by repeating the request.
 */
export async function eraseLearner(request: Request, env: Env): Promise<Response> {
  const caller = await authenticate(request, env, { allowErased: true });
  await requireNoInput(request);
  const requestedAt = nowIso();
  // First: every token of this learner stops working (within a minute everywhere), so nothing
  // written with one can follow the erasure.
  await revokeLearnerTokens(env, caller.auth.tenantId, caller.auth.userId);
  const results = await fanOut(env, "eraseLearner", caller.auth, (answer) => v.parse(EraseResultSchema, answer));
  const services: Record<string, { status: "erased"; deleted: number } | { status: "failed" }> = {
    // Nothing durable to erase here (see gatewayRecord).
    "lti-gateway": { status: "erased", deleted: 0 },
  };
  for (const s of BACKEND_SERVICES) {
    const r = results[s];
    services[s] = r.ok ? { status: "erased", deleted: r.value.deleted } : { status: "failed" };
  }
  const complete = Object.values(services).every((o) => o.status === "erased");
  const receipt = {
    receiptId: crypto.randomUUID(),
    requestedAt,
    completedAt: complete ? nowIso() : null,
    status: complete ? "complete" : "incomplete",
    services,
  };
  // The receipt id ties the request to logs without naming the learner.
  log.info("learner erasure", {
    receiptId: receipt.receiptId,
    tenantId: caller.auth.tenantId,
    status: receipt.status,
    services: Object.fromEntries(Object.entries(services).map(([k, o]) => [k, o.status])),
  });
  return Response.json(receipt, { status: 202, headers: { "Cache-Control": "no-store" } });
}
