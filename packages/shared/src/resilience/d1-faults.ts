/**
 * Fault injection for local development and tests: wraps a D1 binding so that it fails or
 * slows down on command. Never active in staging or production.
 * Owned by the resilience work (issue 7); today it passes the binding through unchanged.
 */
export function withD1Faults(db: D1Database, _env: object, _service: string): D1Database {
  return db;
}
