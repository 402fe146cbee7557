import {
  type AuthContext,
  AuthContextSchema,
  type LearnerRetentionRpc,
  parseWith,
  type RetentionSweep,
  RetentionSweepSchema,
  type SocketPolicyChange,
  type SocketPolicyRpc,
  type StruggleDetectorRpc,
  type TenantDataRef,
  TenantDataRefSchema,
  type TenantDataRemoval,
  type TenantDataRpc,
} from "@atomic-guide/shared";
import { deleteSnapshots } from "@atomic-guide/shared/resilience/fallback";
import { serviceEntrypoint } from "@atomic-guide/shared/service-entrypoint";
import { storeAndFanOutSocketPolicy } from "@atomic-guide/shared/socket-directory";
import { detectorFor } from "./do/stub";
import { tenantSocketsStub } from "./do/tenant-sockets";
import { learnerSnapshotPrefix, router } from "./routes";
import { SERVICE } from "./service";
import { eraseTenantData } from "./tenant-data/erase-tenant";
import { sweepIdleLearners } from "./tenant-data/retention-sweep";

export { StruggleDetectorDO } from "./do/struggle-detector";
export { TenantSocketsDO } from "./do/tenant-sockets";

/** Reached only over service bindings: `fetch` for forwarded /api and /ws, RPC for the rest. */
export default class StruggleDetectorService
  extends serviceEntrypoint({
    service: SERVICE,
    router,
    rpcOverFetch: ["exportLearner", "eraseLearner", "eraseTenant", "sweepExpiredLearnerData"],
    healthObject: (env: Env) => env.STRUGGLE_DETECTOR,
  })
  implements StruggleDetectorRpc, TenantDataRpc, LearnerRetentionRpc, SocketPolicyRpc
{
  /** From the gateway: a flag or revocation that must reach open /ws/signals sockets (closed at once through the tenant's socket directory; the alarm is the backstop). */
  async socketPolicyChanged(change: SocketPolicyChange): Promise<{ stored: true; rechecked: number }> {
    return storeAndFanOutSocketPolicy(
      this.env.TENANT_CONFIG,
      (tenantId) => tenantSocketsStub(this.env, tenantId),
      change,
    );
  }

  async exportLearner(authInput: AuthContext): Promise<unknown> {
    const auth = parseWith(AuthContextSchema, authInput);
    return { service: SERVICE, ...(await detectorFor(this.env, auth).exportData(auth)) };
  }

  async eraseLearner(authInput: AuthContext): Promise<{ deleted: number }> {
    const auth = parseWith(AuthContextSchema, authInput);
    const { deleted } = await detectorFor(this.env, auth).erase(auth);
    const snapshots = await deleteSnapshots(this.env.SNAPSHOTS, learnerSnapshotPrefix(auth.tenantId, auth.userId));
    return { deleted: deleted + snapshots };
  }

  /** Offboarding (POST /admin/tenants/:tenantId/offboard): bounded per call, repeated until done. */
  async eraseTenant(ref: TenantDataRef): Promise<TenantDataRemoval> {
    return eraseTenantData(this.env, parseWith(TenantDataRefSchema, ref));
  }

  /** The gateway's daily retention job, once per tenant with the tenant's period. */
  async sweepExpiredLearnerData(sweep: RetentionSweep): Promise<TenantDataRemoval> {
    return sweepIdleLearners(this.env, parseWith(RetentionSweepSchema, sweep));
  }
}
