import { ApiError, parseJsonBody } from "@atomic-guide/shared";
import * as v from "valibot";
import { apiClaimsFrom } from "../auth/api-token";
import { stateObject } from "../do/oidc-state";
import { gatewayConfig } from "../env";
import { signWithToolKey } from "../keys/store";
import { C, LTI_DL } from "./claims";
import { DEEP_LINK_TTL_MS, deepLinkRecordKey } from "./deep-link-record";
import { autoPostForm, cspNonce, htmlPage } from "./html";
import { type LaunchContext, LaunchContextSchema } from "./launch-context";
import { toolUrlsFor } from "./tool-urls";

const text = (max: number) => v.pipe(v.string(), v.maxLength(max));

/**
 * What the browser may ask for. Only the choice travels from the browser; every URL and claim
 * of the signed response is built here [DL §3.6: never sign browser JSON].
 */
const RequestedItemSchema = v.variant("type", [
  v.strictObject({
    type: v.literal("ltiResourceLink"),
    title: v.optional(text(255)),
    text: v.optional(text(1024)),
    custom: v.optional(
      v.pipe(
        v.record(v.pipe(v.string(), v.regex(/^[a-z0-9_]{1,64}$/)), text(255)),
        v.check((r) => Object.keys(r).length <= 20, "at most 20 custom parameters"),
      ),
    ),
    lineItem: v.optional(
      v.strictObject({
        scoreMaximum: v.pipe(v.number(), v.minValue(0), v.maxValue(1_000_000)),
        label: v.optional(text(255)),
        resourceId: v.optional(text(255)),
        tag: v.optional(text(255)),
      }),
    ),
  }),
]);
const DeepLinkBodySchema = v.strictObject({ items: v.pipe(v.array(RequestedItemSchema), v.maxLength(20)) });
type RequestedItem = v.InferOutput<typeof RequestedItemSchema>;

function buildItems(items: RequestedItem[], launch: LaunchContext, targetLinkUri: string, toolName: string) {
  const settings = launch.deepLinking;
  if (!settings) throw new ApiError(400, "not_deep_linking", "This launch was not a deep-linking request.");
  if (items.length > 1 && settings.accept_multiple === false) {
    throw new ApiError(400, "multiple_not_accepted", "The platform accepts a single item only.");
  }
  return items.map((item) => {
    if (!settings.accept_types.includes(item.type)) {
      throw new ApiError(400, "type_not_accepted", `The platform does not accept items of type ${item.type}.`);
    }
    if (item.lineItem && settings.accept_lineitem !== true) {
      throw new ApiError(400, "lineitem_not_accepted", "The platform does not accept line items.");
    }
    return {
      type: "ltiResourceLink",
      title: item.title ?? settings.title ?? toolName,
      ...(item.text ? { text: item.text } : {}),
      url: targetLinkUri,
      ...(item.custom ? { custom: item.custom } : {}),
      ...(item.lineItem ? { lineItem: item.lineItem } : {}),
    };
  });
}

/** POST /lti/deep_link: signs the deep-linking response and answers a page that auto-posts it. */
export async function handleDeepLinkResponse(request: Request, env: Env): Promise<Response> {
  const { claims } = await apiClaimsFrom(request, env);
  if (claims.messageType !== "LtiDeepLinkingRequest") {
    throw new ApiError(403, "not_deep_linking", "This API token is not from a deep-linking launch.");
  }
  const body = await parseJsonBody(request, DeepLinkBodySchema);
  const store = stateObject(env, deepLinkRecordKey(claims.launchId));
  const record = v.safeParse(LaunchContextSchema, await store.take());
  if (!record.success || !record.output.deepLinking) {
    throw new ApiError(409, "deep_link_used", "This deep-linking request was already answered or has expired.");
  }
  const launch = record.output;
  // The launch id is unguessable, but the record must also be this caller's own request.
  if (launch.userId !== claims.userId || launch.tenantId !== claims.tenantId || launch.issuer !== claims.issuer) {
    throw new ApiError(409, "deep_link_used", "This deep-linking request was already answered or has expired.");
  }
  const settings = launch.deepLinking;
  if (!settings) throw new ApiError(409, "deep_link_used", "This deep-linking request has no settings.");
  let items: ReturnType<typeof buildItems>;
  try {
    items = buildItems(body.items, launch, toolUrlsFor(request).targetLinkUri, gatewayConfig(env).TOOL_NAME);
  } catch (e) {
    // A refused choice leaves the request answerable.
    await store.put(launch, DEEP_LINK_TTL_MS);
    throw e;
  }
  const jwt = await signWithToolKey(
    env,
    {
      azp: launch.clientId,
      nonce: crypto.randomUUID(),
      [C.deploymentId]: launch.platformDeploymentId,
      [C.messageType]: "LtiDeepLinkingResponse",
      [C.version]: "1.3.0",
      [`${LTI_DL}content_items`]: items,
      ...(settings.data !== undefined ? { [`${LTI_DL}data`]: settings.data } : {}),
      ...(items.length === 0 ? { [`${LTI_DL}msg`]: "Nothing was added." } : {}),
    },
    { issuer: launch.clientId, audience: launch.issuer, ttlSeconds: 300 },
  );
  const nonce = cspNonce();
  return htmlPage({
    title: "Returning to your course…",
    nonce,
    formAction: [new URL(settings.deep_link_return_url).origin],
    body: autoPostForm({ action: settings.deep_link_return_url, fields: { JWT: jwt }, title: "Continue", nonce }),
  });
}
