import { type BackendService, decodePathParam } from "@atomic-guide/shared";
import type { FeatureFlag } from "../flags/store";

export type ForwardService = BackendService;

/** Where a forwarded request goes and what it needs. */
export interface ForwardRoute {
  service: ForwardService;
  /** The tenant flag that must be on; off answers 403 feature_disabled. */
  flag: FeatureFlag;
  /** Instructor insight: learners get 403 at the gateway already. */
  instructorOnly: boolean;
}

const SD: ForwardRoute = { service: "struggle-detector", flag: "struggleDetection", instructorOnly: false };
const CHAT: ForwardRoute = { service: "chat", flag: "chat", instructorOnly: false };
const SD_INSTRUCTOR: ForwardRoute = { service: "struggle-detector", flag: "struggleDetection", instructorOnly: true };
const INSIGHT: ForwardRoute = { service: "analytics", flag: "analytics", instructorOnly: true };

/** Path prefixes (matched on whole segments, `:name` matching any one) and their owner; the first match wins. */
const API_ROUTES: readonly (readonly [string, ForwardRoute])[] = [
  ["/api/cognitive", SD],
  ["/api/learners/me/profile", SD],
  ["/api/learners/me/sessions", SD],
  ["/api/learners/me/interventions", SD],
  ["/api/learners/me/consent", SD],
  ["/api/interventions", SD],
  ["/api/chat", CHAT],
  ["/api/courses/:contextId/guide-settings", SD_INSTRUCTOR],
  ["/api/courses", INSIGHT],
  ["/api/analytics", INSIGHT],
];

export const WS_ROUTES: Readonly<Record<string, ForwardRoute>> = {
  "/ws/chat": CHAT,
  "/ws/signals": SD,
};

function underPrefix(path: string, prefix: string): boolean {
  const have = path.split("/");
  const want = prefix.split("/");
  return have.length >= want.length && want.every((seg, i) => (seg.startsWith(":") ? have[i] !== "" : seg === have[i]));
}

/**
 * The owner of an /api path, or null. Paths with encoded slashes or backslashes never match: the
 * gateway routes on the path it sees, and must not route on one a service could read differently.
 */
export function apiRouteFor(pathname: string): ForwardRoute | null {
  if (/%2f|%5c|\\/i.test(pathname)) return null;
  for (const [prefix, route] of API_ROUTES) if (underPrefix(pathname, prefix)) return route;
  return null;
}

/** The URL with the context id segment of /api/courses/:contextId/... replaced. */
export function withCourseContext(url: URL, contextId: string): URL {
  const next = new URL(url);
  // A replacer function: an id may hold "$", which a replacement string would interpret.
  next.pathname = url.pathname.replace(/^\/api\/courses\/[^/]+/, () => `/api/courses/${encodeURIComponent(contextId)}`);
  return next;
}

/**
 * The context id in /api/courses/:contextId/..., decoded, or null for other paths; a malformed
 * `%` escape is 400 `invalid_path`, as for every path parameter.
 */
export function courseContextOf(pathname: string): string | null {
  const match = /^\/api\/courses\/([^/]+)/.exec(pathname);
  if (!match?.[1]) return null;
  return decodePathParam(match[1]);
}
