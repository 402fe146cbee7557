import {
  type AnalyticsRpc,
  ApiError,
  type AuditEntry,
  AuditEntrySchema,
  type AuthContext,
  AuthContextSchema,
  type LearnerAnalyticsExport,
  type LearningEvent,
  LearningEventBatchSchema,
  type MetricsBatch,
  MetricsBatchSchema,
  type MetricsQuery,
  MetricsQuerySchema,
  type MetricsReport,
  parseWith,
  type RosterSync,
  RosterSyncSchema,
  type ServiceHealth,
  summarize,
  type TenantDataRef,
  TenantDataRefSchema,
  type TenantDataRemoval,
  type TenantDataRpc,
} from "@atomic-guide/shared";
import { observeRpc } from "@atomic-guide/shared/metrics/rpc-metrics";
import { deleteSnapshots, readThrough } from "@atomic-guide/shared/resilience/fallback";
import { serviceEntrypoint } from "@atomic-guide/shared/service-entrypoint";
import { recordAuditEntry } from "./audit/log";
import { BACKUP_CRON, dailyBackup } from "./backup/daily-backup";
import { backupHealth } from "./backup/health";
import { eraseLearnerData, exportLearnerData, storeLearningEvents, syncCourseRoster } from "./events/store";
import { helpRequestsPrefix } from "./insight/help-requests";
import { LearnerExportSchema, learnerExportKey, refreshAfterEvents } from "./insight/snapshots";
import { metricsReport } from "./metrics/report";
import { pruneExpired } from "./metrics/retention";
import { localMetricsSink, metricsBufferFor } from "./metrics/sink";
import { eraseTenantData } from "./offboarding/erase-tenant";
import { router } from "./routes";

export { MetricsBufferDO } from "./do/metrics-buffer";

const SERVICE = "analytics";

/** Reached only over service bindings: `fetch` for forwarded /api, RPC for the rest. */
export default class AnalyticsService
  extends serviceEntrypoint({
    service: SERVICE,
    router,
    rpcOverFetch: [
      "recordLearningEvents",
      "syncRoster",
      "getMetrics",
      "recordAudit",
      "exportLearner",
      "eraseLearner",
      "eraseTenant",
    ],
    healthObject: (env: Env) => env.METRICS_BUFFER,
    metrics: localMetricsSink,
  })
  implements AnalyticsRpc, TenantDataRpc
{
  /** Every RPC method is measured like a request (route `rpc:<method>`). */
  private observe<T>(method: string, tenantId: unknown, run: () => Promise<T>): Promise<T> {
    return observeRpc(
      SERVICE,
      method,
      { env: this.env, ctx: this.ctx, sink: localMetricsSink(this.env) },
      tenantId,
      run,
    );
  }

  async recordMetrics(batch: MetricsBatch): Promise<void> {
    // Not observed: measuring the metrics intake would report on itself without end.
    const valid = parseWith(MetricsBatchSchema, batch);
    if (valid.samples.length === 0 && !valid.dropped) return;
    await metricsBufferFor(this.env, valid.service).add(valid);
  }

  async recordLearningEvents(events: LearningEvent[]): Promise<{ stored: number }> {
    return this.observe("recordLearningEvents", undefined, async () => {
      const valid = parseWith(LearningEventBatchSchema, events);
      const stored = await storeLearningEvents(this.env, valid);
      // Writes keep the read-only snapshots fresh, not only reads (after the answer).
      this.ctx.waitUntil(refreshAfterEvents(this.env, valid));
      return { stored };
    });
  }

  async syncRoster(auth: AuthContext, roster: RosterSync): Promise<{ members: number }> {
    const caller = parseWith(AuthContextSchema, auth);
    return this.observe("syncRoster", caller.tenantId, async () => {
      const valid = parseWith(RosterSyncSchema, roster);
      if (!caller.isInstructor)
        throw new ApiError(403, "instructor_only", "Only an instructor launch can sync a roster.");
      if (caller.contextId !== undefined && caller.contextId !== valid.contextId) {
        throw new ApiError(403, "wrong_context", "A roster can only be synced for the launch's own course.");
      }
      return { members: await syncCourseRoster(this.env, caller, valid) };
    });
  }

  async getMetrics(query: MetricsQuery): Promise<MetricsReport> {
    return this.observe("getMetrics", undefined, () =>
      metricsReport(this.env, parseWith(MetricsQuerySchema, query ?? {})),
    );
  }

  async recordAudit(auth: AuthContext, entry: AuditEntry): Promise<void> {
    const caller = parseWith(AuthContextSchema, auth);
    return this.observe("recordAudit", caller.tenantId, () =>
      recordAuditEntry(this.env, caller, parseWith(AuditEntrySchema, entry)),
    );
  }

  async exportLearner(auth: AuthContext): Promise<LearnerAnalyticsExport> {
    const caller = parseWith(AuthContextSchema, auth);
    return this.observe("exportLearner", caller.tenantId, async () => {
      // During a D1 outage the export answers from the learner's snapshot, and says so.
      const result = await readThrough({
        service: SERVICE,
        kv: this.env.SNAPSHOTS,
        tenantId: caller.tenantId,
        ...(caller.d1Binding ? { d1Binding: caller.d1Binding } : {}),
        key: learnerExportKey(caller.tenantId, caller.userId),
        schema: LearnerExportSchema,
        read: () => exportLearnerData(this.env, caller),
        waitUntil: (p) => this.ctx.waitUntil(p),
      });
      const data: LearnerAnalyticsExport = result.degraded
        ? { ...result.value, snapshotAt: new Date(result.snapshotAt ?? 0).toISOString() }
        : result.value;
      await recordAuditEntry(this.env, caller, {
        action: "export",
        route: "/api/learners/me/export",
        subjectUserId: caller.userId,
      });
      return data;
    });
  }

  async eraseLearner(auth: AuthContext): Promise<{ deleted: number }> {
    const caller = parseWith(AuthContextSchema, auth);
    return this.observe("eraseLearner", caller.tenantId, async () => {
      const deleted = await eraseLearnerData(this.env, caller);
      await deleteSnapshots(this.env.SNAPSHOTS, `${caller.tenantId}:${caller.userId}:`);
      // The courses' help-request lists name learners: rebuilt from D1 at their next read.
      await deleteSnapshots(this.env.SNAPSHOTS, helpRequestsPrefix(caller.tenantId));
      await recordAuditEntry(this.env, caller, {
        action: "erase",
        route: "/api/learners/me",
        subjectUserId: caller.userId,
      });
      return { deleted };
    });
  }

  /** Offboarding (POST /admin/tenants/:tenantId/offboard): the tenant's rows and snapshots. */
  async eraseTenant(ref: TenantDataRef): Promise<TenantDataRemoval> {
    const valid = parseWith(TenantDataRefSchema, ref);
    // Measured without the tenant: a sample naming it would outlive the erasure it measures.
    return this.observe("eraseTenant", undefined, () => eraseTenantData(this.env, valid));
  }

  /** Crons (wrangler.jsonc): the daily D1 backup at BACKUP_CRON, the retention sweep every 15 minutes. */
  override async scheduled(controller: ScheduledController): Promise<void> {
    if (controller.cron === BACKUP_CRON) {
      await dailyBackup(this.env, new Date(controller.scheduledTime));
      return;
    }
    await pruneExpired(this.env);
  }

  /** The shared health report, with the daily backup's state added once a backup is expected. */
  override async health(): Promise<ServiceHealth> {
    const [own, backup] = await Promise.all([super.health(), backupHealth(this.env)]);
    if (!backup) return own;
    const { status: _, ...parts } = own;
    return summarize({ ...parts, backup });
  }
}
