import { type TenantDataRef, type TenantDb, tenantDb } from "@atomic-guide/shared";
import type { ChatDatabase } from "../db/schema";

/**
 * Every database that may hold the tenant's rows: its own (when it has one) and the shared one,
 * which kept its rows from before a move until they were copied over.
 */
export function tenantDatabases(env: Env, ref: TenantDataRef): TenantDb<ChatDatabase>[] {
  const own = tenantDb<ChatDatabase>(env, { tenantId: ref.tenantId, service: "chat", d1Binding: ref.d1Binding });
  if (ref.d1Binding === undefined) return [own];
  return [own, tenantDb<ChatDatabase>(env, { tenantId: ref.tenantId, service: "chat" })];
}

/** Groups conversation rows by their owner. */
export function byLearner(rows: { conversation_id: string; user_id: string }[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const r of rows) map.set(r.user_id, [...(map.get(r.user_id) ?? []), r.conversation_id]);
  return map;
}
