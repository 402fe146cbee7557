import {
  createLogger,
  errorFields,
  type LearnerRetentionRpc,
  type TenantDataRemoval,
  type TenantDataRpc,
  withTimeout,
} from "@atomic-guide/shared";
import { pinnedBinding } from "@atomic-guide/shared/rpc/version-pins";
import * as v from "valibot";
import type { RolloutService } from "../rollout/record";
import { tenantPins } from "../rollout/version-headers";

const log = createLogger({ service: "lti-gateway", module: "tenant-data" });

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const RemovalSchema = v.object({ rows: count, objects: count, done: v.boolean() });

/** Each call is bounded by its service; this many rounds (about 10 000 learners) finish any tenant we serve. */
const MAX_ROUNDS = 50;
const CALL_TIMEOUT_MS = 25_000;

export type ServiceRemoval = { status: "erased"; rows: number; objects: number } | { status: "failed" };

/**
 * Calls a bounded whole-tenant method (offboarding's eraseTenant, retention's sweep) until the
 * service answers `done`, summing what it removed. A failure or a missing method is reported,
 * never skipped: the operation is idempotent and a retry continues where this one stopped.
 */
export async function untilDone(
  env: Env,
  service: RolloutService,
  tenantId: string,
  call: (rpc: TenantDataRpc & LearnerRetentionRpc) => Promise<unknown>,
): Promise<ServiceRemoval> {
  const total = { rows: 0, objects: 0 };
  try {
    // A pinned tenant's data is handled by the version it is pinned to, like its other calls.
    const caller = { tenantId, pins: await tenantPins(env, tenantId) };
    const binding = { chat: env.CHAT, "struggle-detector": env.STRUGGLE_DETECTOR, analytics: env.ANALYTICS }[service];
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const rpc = pinnedBinding<TenantDataRpc & LearnerRetentionRpc>(binding, service, caller, env.ENVIRONMENT);
      const removal: TenantDataRemoval = v.parse(RemovalSchema, await withTimeout(call(rpc), CALL_TIMEOUT_MS));
      total.rows += removal.rows;
      total.objects += removal.objects;
      if (removal.done) return { status: "erased", ...total };
    }
    log.warn("tenant data call still not done", { targetService: service, tenantId, rounds: MAX_ROUNDS });
  } catch (e) {
    log.error("tenant data call failed", { targetService: service, tenantId, ...errorFields(e) });
  }
  return { status: "failed" };
}
