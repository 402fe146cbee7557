import type { MetricSample } from "@atomic-guide/shared/metrics/schema";
import type { SampleFacts } from "./open-aggregates";

/** Durable Object SQLite binds at most 100 parameters per statement; a row binds five. */
const ROWS_PER_INSERT = 20;
const COLUMNS = 5;
/** One statement text per row count, so the runtime's statement cache finds it again. */
const insertText = new Map<number, string>();

function insertOf(rows: number): string {
  let text = insertText.get(rows);
  if (!text) {
    // The tenant column is what offboarding deletes by (no index: that happens once per tenant).
    text = `INSERT INTO pending (minute, grp, tenant, duration, body) VALUES ${Array.from({ length: rows }, () => "(?, ?, ?, ?, ?)").join(", ")}`;
    insertText.set(rows, text);
  }
  return text;
}

/**
 * Stores samples in the buffer's `pending` table with the columns the buffer reads without
 * parsing them: plain bound rows, a statement per 20 samples (no JSON for SQLite to take apart).
 */
export function storePending(sql: SqlStorage, samples: readonly MetricSample[], facts: readonly SampleFacts[]): void {
  for (let start = 0; start < samples.length; start += ROWS_PER_INSERT) {
    const end = Math.min(samples.length, start + ROWS_PER_INSERT);
    const params: unknown[] = new Array((end - start) * COLUMNS);
    for (let i = start, p = 0; i < end; i++) {
      const f = facts[i] as SampleFacts;
      params[p++] = f.minute;
      params[p++] = f.grp;
      params[p++] = f.tenant;
      params[p++] = f.duration;
      params[p++] = JSON.stringify(samples[i]);
    }
    sql.exec(insertOf(end - start), ...params);
  }
}
