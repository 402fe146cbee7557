import * as v from "valibot";

export const LTI = "https://purl.imsglobal.org/spec/lti/claim/";
export const LTI_DL = "https://purl.imsglobal.org/spec/lti-dl/claim/";
export const NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice";
export const AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint";

export const C = {
  version: `${LTI}version`,
  messageType: `${LTI}message_type`,
  deploymentId: `${LTI}deployment_id`,
  roles: `${LTI}roles`,
  targetLinkUri: `${LTI}target_link_uri`,
  resourceLink: `${LTI}resource_link`,
  context: `${LTI}context`,
  toolPlatform: `${LTI}tool_platform`,
  launchPresentation: `${LTI}launch_presentation`,
  custom: `${LTI}custom`,
  dlSettings: `${LTI_DL}deep_linking_settings`,
} as const;

const bounded = (max: number) => v.pipe(v.string(), v.maxLength(max));
const nonEmpty = (max: number) => v.pipe(v.string(), v.minLength(1), v.maxLength(max));

export const SUPPORTED_MESSAGE_TYPES = ["LtiResourceLinkRequest", "LtiDeepLinkingRequest"] as const;

export const ResourceLinkSchema = v.looseObject({
  id: nonEmpty(255),
  title: v.optional(bounded(1024)),
  description: v.optional(bounded(4096)),
});

export const ContextSchema = v.looseObject({
  id: nonEmpty(255),
  label: v.optional(bounded(1024)),
  title: v.optional(bounded(1024)),
  type: v.optional(v.array(bounded(255))),
});

export const ToolPlatformSchema = v.looseObject({ guid: nonEmpty(255) });

export const LaunchPresentationSchema = v.looseObject({
  document_target: v.optional(v.picklist(["frame", "iframe", "window"])),
  return_url: v.optional(bounded(2048)),
  locale: v.optional(bounded(64)),
});

export const NrpsClaimSchema = v.looseObject({
  context_memberships_url: v.pipe(v.string(), v.url(), v.maxLength(2048)),
  service_versions: v.array(bounded(16)),
});

export const DeepLinkingSettingsSchema = v.looseObject({
  deep_link_return_url: v.pipe(v.string(), v.url(), v.maxLength(2048)),
  accept_types: v.pipe(v.array(nonEmpty(64)), v.minLength(1), v.maxLength(20)),
  accept_presentation_document_targets: v.pipe(v.array(nonEmpty(64)), v.maxLength(10)),
  accept_media_types: v.optional(bounded(1024)),
  accept_multiple: v.optional(v.boolean()),
  accept_lineitem: v.optional(v.boolean()),
  auto_create: v.optional(v.boolean()),
  title: v.optional(bounded(1024)),
  text: v.optional(bounded(4096)),
  data: v.optional(bounded(4096)),
});
export type DeepLinkingSettings = v.InferOutput<typeof DeepLinkingSettingsSchema>;

/** OIDC identity claims we read; everything else in the token is ignored [Core §5.4.7]. */
export const IdentitySchema = v.object({
  sub: v.optional(nonEmpty(255)),
  name: v.optional(bounded(255)),
  given_name: v.optional(bounded(255)),
  family_name: v.optional(bounded(255)),
  email: v.optional(bounded(320)),
});

export const RolesSchema = v.pipe(v.array(bounded(512)), v.maxLength(100));
