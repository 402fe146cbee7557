import {
  type AuthContext,
  authContextFrom,
  decodePathParam,
  type HandlerContext,
  IdSchema,
  json,
  notFound,
  parseJsonBody,
  parseQuery,
  requireFeature,
  type TenantDb,
  tenantDb,
} from "@atomic-guide/shared";
import { readThrough, readThroughResponse, snapshotKey } from "@atomic-guide/shared/resilience/fallback";
import { type IRequest, IttyRouter } from "itty-router";
import * as v from "valibot";
import {
  InterventionPageSchema,
  listInterventions,
  listSessions,
  type PageQuery,
  PageQuerySchema,
  SessionPageSchema,
} from "../db/history";
import type { StruggleDb } from "../db/schema";
import { SignalBatchSchema } from "../detection/signals";
import { isUpgrade, upgradeRequired } from "../do/sockets";
import { detectorFor } from "../do/stub";
import { SERVICE } from "../service";
import { ConsentInputSchema, RespondSchema } from "./bodies";
import { addCourseSettingsRoutes } from "./course-settings";

export const router = IttyRouter<IRequest, [Env, ExecutionContext, HandlerContext]>();

// The gateway already refused a tenant whose "struggleDetection" flag is off; check again here so the
// flag holds whatever path a request took.
router.all("/api/*", (request) => requireFeature(request, "struggleDetection"));
router.all("/ws/*", (request) => requireFeature(request, "struggleDetection"));

/** Snapshot keys name the tenant first and the learner second, so erasure can clear them by prefix. */
export const learnerSnapshotPrefix = (tenantId: string, userId: string) =>
  `${snapshotKey(tenantId, "sd", encodeURIComponent(userId))}:`;

router.post("/api/cognitive/signals", async (request, env: Env) => {
  const auth = authContextFrom(request);
  const batch = await parseJsonBody(request, SignalBatchSchema);
  const result = await detectorFor(env, auth).ingestBatch(auth, batch);
  return json(result, { status: 202 });
});

router.get("/ws/signals", async (request, env: Env) => {
  const auth = authContextFrom(request);
  if (!isUpgrade(request)) return upgradeRequired();
  // The object keeps the socket (hibernatable); the forwarded request already carries the caller.
  return detectorFor(env, auth).fetch(request);
});

router.get("/api/learners/me/consent", async (request, env: Env) => {
  const auth = authContextFrom(request);
  return json(await detectorFor(env, auth).consent(auth));
});

router.put("/api/learners/me/consent", async (request, env: Env) => {
  const auth = authContextFrom(request);
  const input = await parseJsonBody(request, ConsentInputSchema);
  return json(await detectorFor(env, auth).setConsent(auth, input));
});

router.get("/api/learners/me/profile", async (request, env: Env) => {
  const auth = authContextFrom(request);
  return json(await detectorFor(env, auth).profile(auth));
});

/**
 * A page of the learner's own history from D1, read through the KV snapshot so the page still
 * answers (stale) while D1 is down.
 */
function learnerHistoryPage<T>(
  kind: "sessions" | "interventions",
  schema: v.GenericSchema<unknown, T>,
  list: (tdb: TenantDb<StruggleDb>, auth: AuthContext, page: PageQuery) => Promise<T>,
) {
  return async (request: IRequest, env: Env, ctx: ExecutionContext) => {
    const auth = authContextFrom(request);
    const page = parseQuery(new URL(request.url), PageQuerySchema);
    const tdb = tenantDb<StruggleDb>(env, { tenantId: auth.tenantId, service: SERVICE, d1Binding: auth.d1Binding });
    const result = await readThrough({
      service: SERVICE,
      kv: env.SNAPSHOTS,
      tenantId: auth.tenantId,
      key: `${learnerSnapshotPrefix(auth.tenantId, auth.userId)}${kind}:${page.limit}:${page.cursor ?? ""}`,
      schema,
      read: () => list(tdb, auth, page),
      ...(auth.d1Binding ? { d1Binding: auth.d1Binding } : {}),
      waitUntil: (p) => ctx.waitUntil(p),
    });
    return readThroughResponse(result);
  };
}

router.get("/api/learners/me/sessions", learnerHistoryPage("sessions", SessionPageSchema, listSessions));
router.get(
  "/api/learners/me/interventions",
  learnerHistoryPage("interventions", InterventionPageSchema, listInterventions),
);

router.post("/api/interventions/:id/respond", async (request, env: Env) => {
  const auth = authContextFrom(request);
  // An id that could never exist is answered like a missing one.
  const id = v.safeParse(IdSchema, decodePathParam(request.params.id));
  if (!id.success) throw notFound("No such intervention.");
  const body = await parseJsonBody(request, RespondSchema);
  const intervention = await detectorFor(env, auth).respond(auth, id.output, body);
  return json({ intervention });
});

addCourseSettingsRoutes(router);

router.all("*", () => {
  throw notFound("No such struggle-detector route.");
});
