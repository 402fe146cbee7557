import {
  authContextFrom,
  decodePathParam,
  IdSchema,
  json,
  notFound,
  parseJsonBody,
  parseQuery,
} from "@atomic-guide/shared";
import { snapshotKey } from "@atomic-guide/shared/resilience/fallback";
import { featureGatedRouter } from "@atomic-guide/shared/service-router";
import * as v from "valibot";
import { PageQuerySchema } from "../db/history";
import { SignalBatchSchema } from "../detection/signals";
import { isUpgrade, upgradeRequired } from "../do/sockets";
import { detectorFor } from "../do/stub";
import { ConsentInputSchema, RespondSchema } from "./bodies";
import { addCourseSettingsRoutes } from "./course-settings";

export const router = featureGatedRouter<Env>("struggleDetection");

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

// The learner's own history answers from their Durable Object (the source of truth), so it
// needs no D1 and no snapshot: a page answers during an outage whether or not it was read before.
router.get("/api/learners/me/sessions", async (request, env: Env) => {
  const auth = authContextFrom(request);
  const page = parseQuery(new URL(request.url), PageQuerySchema);
  return json(await detectorFor(env, auth).sessionsPage(auth, page));
});

router.get("/api/learners/me/interventions", async (request, env: Env) => {
  const auth = authContextFrom(request);
  const page = parseQuery(new URL(request.url), PageQuerySchema);
  return json(await detectorFor(env, auth).interventionsPage(auth, page));
});

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
