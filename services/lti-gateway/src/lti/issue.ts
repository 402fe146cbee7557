import { type AuthContext, createLogger, errorFields, type RosterSync } from "@atomic-guide/shared";
import { mintApiToken } from "../auth/api-token";
import { serviceAuthOf } from "../auth/caller";
import { scopedId } from "../auth/platform-ids";
import { hasInstructorRole } from "../auth/roles";
import { stateObject } from "../do/oidc-state";
import { launchFlags } from "../flags/launch";
import { servicesFor } from "../services";
import { DEEP_LINK_TTL_MS, deepLinkRecordKey } from "./deep-link-record";
import { idNamespaceOf } from "./id-namespace";
import type { LaunchContext } from "./launch-context";
import { type LaunchJson, launchPage } from "./launch-page";
import { fetchRoster } from "./nrps";
import { currentRegistration } from "./registry";
import { toolUrlsFor } from "./tool-urls";

/** analytics' RosterSync bounds: at most 10 000 members, 50 roles of 255 characters each. */
const MAX_ROSTER = 10_000;

/** The instructor's context for analytics, built as for an API call; null once the tenant is gone. */
const instructorAuth = (env: Env, launch: LaunchContext): Promise<AuthContext | null> =>
  serviceAuthOf(env, {
    tenantId: launch.tenantId,
    userId: launch.userId,
    roles: launch.roles.filter((r) => r.length <= 255),
    isInstructor: true,
    contextId: launch.contextId,
    ...(launch.name ? { name: launch.name } : {}),
    launchId: launch.launchId,
  });

async function syncRoster(env: Env, launch: LaunchContext): Promise<void> {
  const log = createLogger({ service: "lti-gateway" });
  try {
    const reg = await currentRegistration(env, launch.issuer, launch.clientId);
    if (!reg || !launch.nrpsUrl) return;
    const roster = await fetchRoster(env, reg, launch.nrpsUrl);
    // Same id mapping as the launch, so a roster member and that learner's launches line up.
    const namespace = await idNamespaceOf(env, reg);
    const members: RosterSync["members"] = await Promise.all(
      roster.slice(0, MAX_ROSTER).map(async (m) => ({
        userId: await scopedId(namespace, m.userId),
        ...(m.name ? { name: m.name } : {}),
        roles: m.roles.filter((r) => r.length <= 255).slice(0, 50),
      })),
    );
    const auth = await instructorAuth(env, launch);
    if (!auth) return;
    await servicesFor(env, auth).analytics.syncRoster(auth, { contextId: launch.contextId, members });
  } catch (e) {
    log.warn("roster sync failed", errorFields(e));
  }
}

/**
 * Turns a verified, browser-bound launch into the app page: the API token, the name of the
 * learning session its signals will open, and for instructors a roster sync in the background.
 */
export async function issueLaunch(
  request: Request,
  env: Env,
  ctx: ExecutionContext,
  launch: LaunchContext,
  extraHeaders: Record<string, string> = {},
): Promise<Response> {
  const flags = await launchFlags(env, launch.tenantId);
  const isInstructor = hasInstructorRole(launch.roles);
  const { token, expiresAt } = await mintApiToken(env, {
    tenantId: launch.tenantId,
    userId: launch.userId,
    roles: launch.roles.filter((r) => r.length <= 255).slice(0, 64),
    isInstructor,
    contextId: launch.contextId,
    ...(launch.contextTitle ? { contextTitle: launch.contextTitle } : {}),
    ...(launch.name ? { name: launch.name } : {}),
    launchId: launch.launchId,
    deploymentId: launch.deploymentId,
    issuer: launch.issuer,
    clientId: launch.clientId,
    messageType: launch.messageType,
  });
  const urls = toolUrlsFor(request);
  let sessionId: string | undefined;
  if (launch.messageType === "LtiDeepLinkingRequest") {
    await stateObject(env, deepLinkRecordKey(launch.launchId)).put(launch, DEEP_LINK_TTL_MS);
  } else {
    // The page's signals name this session; struggle-detector opens it at the first of them,
    // so a launch touches no learner object and a page that never reports activity costs
    // nothing (docs/struggle-detection.md, Sessions). None for a tenant with detection off.
    if (flags?.struggleDetection) sessionId = crypto.randomUUID();
    if (isInstructor && launch.nrpsUrl) ctx.waitUntil(syncRoster(env, launch));
  }
  const dl = launch.deepLinking;
  const json: LaunchJson = {
    apiToken: token,
    expiresAt,
    tenantId: launch.tenantId,
    launchId: launch.launchId,
    user: { ...(launch.name ? { name: launch.name } : {}), roles: launch.roles, isInstructor },
    context: { id: launch.contextId, ...(launch.contextTitle ? { title: launch.contextTitle } : {}) },
    messageType: launch.messageType,
    ...(sessionId ? { sessionId } : {}),
    ...(flags ? { flags } : {}),
    ...(dl
      ? {
          deepLinking: {
            acceptTypes: dl.accept_types,
            acceptMultiple: dl.accept_multiple ?? true,
            ...(dl.title ? { title: dl.title } : {}),
            ...(dl.text ? { text: dl.text } : {}),
            deepLinkUrl: urls.deepLinkResponseUrl,
          },
        }
      : {}),
  };
  const response = launchPage(json, {
    ...(dl ? { returnOrigin: new URL(dl.deep_link_return_url).origin } : {}),
    ...(launch.frameOrigins ? { frameAncestors: launch.frameOrigins } : {}),
  });
  for (const [k, value] of Object.entries(extraHeaders)) response.headers.append(k, value);
  return response;
}
