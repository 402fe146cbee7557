/**
 * Per-query D1 instrumentation (name, duration, rows read and written), reported to analytics.
 * Owned by the analytics work (issue 6); today it passes the binding through unchanged.
 */
export function withD1Metrics(db: D1Database, _env: object, _service: string): D1Database {
  return db;
}
