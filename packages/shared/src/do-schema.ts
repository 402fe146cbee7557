/** Where an object records the schema version its tables were created at (its synchronous KV). */
export const SCHEMA_VERSION_KEY = "do-schema:version";

/**
 * Creates a Durable Object's tables unless its storage already records `version`: a woken
 * object reads one key instead of re-parsing every CREATE TABLE IF NOT EXISTS on each wake.
 * DO SQLite refuses `PRAGMA user_version` (SQLITE_AUTH), so the mark lives in the object's
 * key-value storage, which `deleteAll()` clears with the tables: the next call creates them again.
 * `ddl` must be idempotent (IF NOT EXISTS), since objects from before the mark run it once more.
 */
export function ensureSchema(
  storage: DurableObjectStorage,
  version: string,
  ddl: string,
  /** What CREATE ... IF NOT EXISTS cannot do to an existing table (a new column); idempotent too. */
  upgrade?: (sql: SqlStorage) => void,
): void {
  if (storage.kv.get(SCHEMA_VERSION_KEY) === version) return;
  storage.sql.exec(ddl);
  upgrade?.(storage.sql);
  storage.kv.put(SCHEMA_VERSION_KEY, version);
}
