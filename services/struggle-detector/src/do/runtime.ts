import { type AuthContext, createLogger, errorFields, nowIso, tenantDb } from "@atomic-guide/shared";
import { IdleExpiry } from "@atomic-guide/shared/learner-retention/idle-expiry";
import { D1Outbox } from "@atomic-guide/shared/resilience/outbox";
import { outboxBackoffFor, outboxBackoffMs, scheduleAlarmBy } from "@atomic-guide/shared/resilience/outbox-retry";
import { LearningEventQueue } from "@atomic-guide/shared/rpc/learning-event-queue";
import type { StruggleDb } from "../db/schema";
import { detectorConfigFor } from "../detection/config-cache";
import { type DetectorState, initialState, restoreState } from "../detection/detector";
import type { DetectorConfig } from "../detection/thresholds";
import type { CourseOutcomes } from "../interventions/bandit";
import { readCourseOutcomes } from "../interventions/course-outcomes";
import { cachedCourseOutcomes, courseKey } from "../interventions/course-outcomes-cache";
import { SERVICE } from "../service";
import { EVENT_QUEUE_TABLE, LocalStore, OUTBOX_NAME } from "./local-store";
import { emptyCounters, type ProfileCounters } from "./profile";

/** Failed syncs (D1, analytics, chat) are retried by the alarm with the shared backoff, paced by the D1 breaker. */
export const retryDelayMs = (env: Env, retries: number) => outboxBackoffMs(retries, outboxBackoffFor(env));
/** The first retry after a write that could not sync at once. */
export const firstRetryDelayMs = (env: Env) => outboxBackoffMs(1, outboxBackoffFor(env));

/**
 * What one learner's Durable Object holds in memory, shared by the modules that ingest, deliver
 * and sync: the SQLite store, the D1 outbox, the detector state and the profile counters.
 * One object so erasure can replace all of it at once.
 */
export class LearnerRuntime {
  store: LocalStore;
  outbox: D1Outbox;
  /** Learning events waiting for analytics (shared's LearningEventQueue, in the store's schema). */
  events: LearningEventQueue;
  state: DetectorState;
  counters: ProfileCounters;
  /** Retention of what only this object holds; the tenant's period is read from TENANT_CONFIG. */
  readonly expiry: IdleExpiry;
  readonly log = createLogger({ service: SERVICE, component: "StruggleDetectorDO" });

  constructor(
    readonly ctx: DurableObjectState,
    readonly env: Env,
  ) {
    this.store = new LocalStore(ctx.storage);
    this.outbox = new D1Outbox(ctx.storage.sql, OUTBOX_NAME, { createTables: false });
    this.events = new LearningEventQueue(ctx.storage.sql, EVENT_QUEUE_TABLE);
    this.expiry = new IdleExpiry(ctx.storage, env.TENANT_CONFIG);
    this.state = restoreState(this.store.getMeta<DetectorState>("state"));
    this.counters = this.store.getMeta<ProfileCounters>("counters") ?? emptyCounters(nowIso());
  }

  /** After `deleteAll` dropped every table: recreate them empty and forget what was in memory. */
  reset(): void {
    this.store = new LocalStore(this.ctx.storage);
    this.outbox = new D1Outbox(this.ctx.storage.sql, OUTBOX_NAME, { createTables: false });
    this.events = new LearningEventQueue(this.ctx.storage.sql, EVENT_QUEUE_TABLE);
    this.state = initialState();
    this.counters = emptyCounters(nowIso());
  }

  /** Persists what every batch changes. */
  saveHot(): void {
    this.store.setMeta("state", this.state);
    this.store.setMeta("counters", this.counters);
    this.store.setMeta("profileDirty", true);
  }

  saveCounters(): void {
    this.store.setMeta("counters", this.counters);
  }

  /** Keeps the earlier of the current and the requested alarm, unless `force` replaces it. */
  async scheduleAlarm(at: number, force = false): Promise<void> {
    if (force) await this.ctx.storage.setAlarm(at);
    else await scheduleAlarmBy(this.ctx.storage, at);
  }

  /** How the learner's course rated each kind so far (shared per isolate for 5 min; none when D1 cannot say). */
  async courseOutcomes(auth: AuthContext): Promise<CourseOutcomes> {
    const contextId = auth.contextId;
    if (!contextId) return {};
    try {
      return await cachedCourseOutcomes(courseKey(auth.tenantId, auth.d1Binding, contextId), () =>
        readCourseOutcomes(
          tenantDb<StruggleDb>(this.env, { tenantId: auth.tenantId, service: SERVICE, d1Binding: auth.d1Binding }),
          contextId,
        ),
      );
    } catch (e) {
      this.log.warn("course ratings unavailable; choosing kinds by the rules", errorFields(e));
      return {};
    }
  }

  /** The tenant's config with the course's instructor settings on top (per isolate, for a minute). */
  configFor(auth: Pick<AuthContext, "tenantId" | "contextId">): Promise<DetectorConfig> {
    return detectorConfigFor(this.env.TENANT_CONFIG, auth.tenantId, auth.contextId, (reason) =>
      this.log.warn("tenant detector config rejected; using defaults", { tenantId: auth.tenantId, reason }),
    );
  }
}
