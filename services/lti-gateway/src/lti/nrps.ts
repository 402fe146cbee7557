import * as v from "valibot";
import { isLocalDevelopment } from "../env";
import { isAllowedPlatformUrl } from "./platform-url";
import { isPlatformServiceUrl, type PlatformRegistration } from "./registry";
import { PlatformServiceError, platformAccessToken } from "./service-token";

export const NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly";
const NRPS_MEDIA_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json";
const MAX_PAGES = 50;

const MemberSchema = v.looseObject({
  user_id: v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
  status: v.optional(v.string()),
  name: v.optional(v.pipe(v.string(), v.maxLength(255))),
  given_name: v.optional(v.string()),
  family_name: v.optional(v.string()),
  roles: v.optional(v.array(v.pipe(v.string(), v.maxLength(512)))),
});
const ContainerSchema = v.looseObject({ members: v.array(v.unknown()) });

export interface RosterMember {
  userId: string;
  name?: string;
  roles: string[];
}

/** The rel="next" URL of a Link header, if any. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(",")) {
    const match = /<([^>]+)>\s*;(.*)/.exec(part.trim());
    if (match?.[1] && /rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(match[2] ?? "")) return match[1];
  }
  return undefined;
}

/**
 * The course roster from Names and Roles 2.0, following `Link: rel="next"` pages. Only URLs on
 * the membership URL's origin are followed (the first comes from a verified launch).
 */
export async function fetchRoster(
  env: Env,
  reg: PlatformRegistration,
  membershipsUrl: string,
): Promise<RosterMember[]> {
  const allowLoopback = isLocalDevelopment(env);
  if (!isAllowedPlatformUrl(membershipsUrl, allowLoopback)) {
    throw new PlatformServiceError("memberships URL is not https");
  }
  if (!isPlatformServiceUrl(membershipsUrl, reg)) {
    throw new PlatformServiceError("memberships URL is not on the platform's hosts");
  }
  const origin = new URL(membershipsUrl).origin;
  const token = await platformAccessToken(env, reg, [NRPS_SCOPE]);
  const members: RosterMember[] = [];
  let next: string | undefined = membershipsUrl;
  for (let page = 0; next && page < MAX_PAGES; page++) {
    const response: Response = await fetch(next, {
      headers: { Authorization: `Bearer ${token}`, Accept: NRPS_MEDIA_TYPE },
      redirect: "manual",
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new PlatformServiceError(`memberships answered ${response.status}`);
    const container = v.safeParse(ContainerSchema, await response.json().catch(() => null));
    if (!container.success) throw new PlatformServiceError("memberships answered an unexpected body");
    for (const raw of container.output.members) {
      const m = v.safeParse(MemberSchema, raw);
      if (!m.success || (m.output.status !== undefined && m.output.status !== "Active")) continue;
      const name =
        m.output.name ?? ([m.output.given_name, m.output.family_name].filter(Boolean).join(" ") || undefined);
      members.push({
        userId: m.output.user_id,
        ...(name ? { name: name.slice(0, 255) } : {}),
        roles: m.output.roles ?? [],
      });
    }
    const candidate = nextLink(response.headers.get("Link"));
    next = candidate && URL.canParse(candidate) && new URL(candidate).origin === origin ? candidate : undefined;
  }
  return members;
}
