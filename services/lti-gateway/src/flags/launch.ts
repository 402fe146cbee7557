import { createLogger, errorFields } from "@atomic-guide/shared";
import { getFlags } from "./store";

const log = createLogger({ service: "lti-gateway", module: "flags" });

/** What a launch tells the web app about the tenant's features (docs/api.md, launch JSON `flags`). */
export interface LaunchFlags {
  chat: boolean;
  struggleDetection: boolean;
  analytics: boolean;
}

/**
 * The tenant's feature flags for a launch, or undefined when they cannot be read: the launch
 * still succeeds (launches never depend on anything but KV and the state object), but then
 * nothing that a flag guards is started and the app is told nothing, so the API decides later.
 */
export async function launchFlags(env: Env, tenantId: string): Promise<LaunchFlags | undefined> {
  try {
    const { chat, struggleDetection, analytics } = await getFlags(env, tenantId);
    return { chat, struggleDetection, analytics };
  } catch (e) {
    log.warn("flags unreadable at launch", { tenantId, ...errorFields(e) });
    return undefined;
  }
}
