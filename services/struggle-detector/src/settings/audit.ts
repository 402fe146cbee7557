import type { TenantDb } from "@atomic-guide/shared";
import { queryName } from "@atomic-guide/shared/metrics/query-name";
import type { Kysely } from "kysely";
import type { StruggleDb } from "../db/schema";
import type { CourseSettings } from "./course-settings";

export interface SettingsChange {
  contextId: string;
  changedBy: string;
  changedAt: string;
  before: CourseSettings | undefined;
  after: CourseSettings;
}

export function insertSettingsChangeQuery(db: Kysely<StruggleDb>, tenantId: string, change: SettingsChange) {
  return db
    .insertInto("guide_settings_audit")
    .values({
      tenant_id: tenantId,
      context_id: change.contextId,
      change_id: crypto.randomUUID(),
      changed_by: change.changedBy,
      changed_at: change.changedAt,
      before_settings: change.before ? JSON.stringify(change.before) : null,
      after_settings: JSON.stringify(change.after),
    })
    .modifyEnd(queryName("guideSettings.audit"));
}

/** Records who changed a course's settings, from what to what; the change is refused if this fails. */
export async function recordSettingsChange(tdb: TenantDb<StruggleDb>, change: SettingsChange): Promise<void> {
  await insertSettingsChangeQuery(tdb.db, tdb.tenantId, change).execute();
}
