import { type AuthContext, errorFields, nowIso, tenantDb } from "@atomic-guide/shared";
import { outboxBackoffFor, flushOutbox as sharedFlushOutbox } from "@atomic-guide/shared/resilience/outbox-retry";
import type { StruggleDb } from "../db/schema";
import * as statements from "../db/statements";
import { SERVICE } from "../service";
import { publicProfile } from "./profile";
import type { LearnerRuntime } from "./runtime";

/**
 * D1 holds a copy of the learner's rows for reporting and paging; the object's SQLite is the
 * truth. Every D1 write goes through the outbox, so a D1 outage delays the copy and loses nothing.
 */

const tenantRef = (auth: AuthContext) => ({ tenantId: auth.tenantId, service: SERVICE, d1Binding: auth.d1Binding });

export const learnerDb = (rt: LearnerRuntime, auth: AuthContext) => tenantDb<StruggleDb>(rt.env, tenantRef(auth)).db;

export const learnerOf = (auth: AuthContext): statements.Learner => ({
  tenantId: auth.tenantId,
  userId: auth.userId,
  contextId: auth.contextId,
});

export function enqueueD1(
  rt: LearnerRuntime,
  auth: AuthContext,
  idempotencyKey: string,
  list: statements.Statement[],
): void {
  rt.outbox.enqueue({ idempotencyKey, tenantId: auth.tenantId, statements: list });
}

/**
 * Whether the alarm's debounced copy has work: every batch marks the profile (and its session)
 * for it (`saveHot`), so the flag covers the sessions too without a query.
 */
export const copyDue = (rt: LearnerRuntime) => rt.store.getMeta<boolean>("profileDirty") === true;

/** Copies changed sessions and the profile to D1 as one outbox entry (the alarm's debounced write). */
export function copyToD1(rt: LearnerRuntime, auth: AuthContext): void {
  const dirty = rt.store.takeDirtySessions();
  const profileDirty = rt.store.getMeta<boolean>("profileDirty") ?? dirty.length > 0;
  if (dirty.length === 0 && !profileDirty) return;
  const db = learnerDb(rt, auth);
  const who = learnerOf(auth);
  const at = nowIso();
  enqueueD1(rt, auth, `copy:${at}:${crypto.randomUUID()}`, [
    ...dirty.map((s) => statements.upsertSession(db, who, s)),
    statements.upsertProfile(db, who, publicProfile(rt.counters, rt.state), at),
  ]);
  rt.store.setMeta("profileDirty", false);
}

/** Applies what waits in the outbox; true when nothing is left waiting. */
export async function flushOutbox(rt: LearnerRuntime, auth: AuthContext): Promise<boolean> {
  if (rt.outbox.pending() === 0) return true;
  const result = await sharedFlushOutbox(
    rt.ctx.storage,
    rt.outbox,
    tenantDb<StruggleDb>(rt.env, tenantRef(auth)).d1,
    outboxBackoffFor(rt.env),
    // Learners flushing into one database share the hourly prune of applied keys in this
    // isolate; without a scope every new learner's first flush pruned D1 on its own.
    { pruneScope: `${SERVICE}:${auth.d1Binding ?? "DB"}` },
  );
  if (result.error) rt.log.warn("outbox flush failed", { error: result.error, pending: result.pending });
  return result.pending === 0;
}

/**
 * Deletes the learner's D1 rows now; false when D1 did not answer, so the caller can leave the
 * deletion to the outbox instead.
 */
export async function eraseFromD1(
  rt: LearnerRuntime,
  auth: AuthContext,
): Promise<{ done: true; deleted: number } | { done: false; statements: statements.Statement[] }> {
  const erase = statements.eraseLearner(learnerDb(rt, auth), learnerOf(auth));
  try {
    const d1 = tenantDb<StruggleDb>(rt.env, tenantRef(auth)).d1;
    const results = await d1.batch(erase.map((s) => d1.prepare(s.sql).bind(...(s.params ?? []))));
    return { done: true, deleted: results.reduce((n, r) => n + (r.meta.changes ?? 0), 0) };
  } catch (e) {
    rt.log.warn("erase deferred to outbox", errorFields(e));
    return { done: false, statements: erase };
  }
}
