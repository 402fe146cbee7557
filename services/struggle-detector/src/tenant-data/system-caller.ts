import { type AuthContext, type TenantDataRef, type TenantDb, tenantDb } from "@atomic-guide/shared";
import type { StruggleDb } from "../db/schema";
import { SERVICE } from "../service";

/**
 * Every database that may hold the tenant's rows: its own (when it has one) and the shared one,
 * which kept its rows from before a move until they were copied over.
 */
export function tenantDatabases(env: Env, ref: TenantDataRef): TenantDb<StruggleDb>[] {
  const own = tenantDb<StruggleDb>(env, { tenantId: ref.tenantId, service: SERVICE, d1Binding: ref.d1Binding });
  if (ref.d1Binding === undefined) return [own];
  return [own, tenantDb<StruggleDb>(env, { tenantId: ref.tenantId, service: SERVICE })];
}

/** The identity a learner's object is erased with when no request names them (operator, cron). */
export const systemCallerFor = (ref: TenantDataRef, userId: string): AuthContext => ({
  tenantId: ref.tenantId,
  userId,
  roles: [],
  isInstructor: false,
  ...(ref.d1Binding === undefined ? {} : { d1Binding: ref.d1Binding }),
});
