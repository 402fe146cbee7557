import * as v from "valibot";

/**
 * An object's schema version is the name of an empty table, `_schema_mark_<version>`: a woken
 * object finds it with one query of `sqlite_master` (no exception for a new object, which has
 * no mark yet, and no second read for the value), and a new object's first write is not also
 * the first use of its key-value storage (which locally creates that storage's own table too).
 */
export const SCHEMA_MARK_PREFIX = "_schema_mark_";
/** Where objects from before the mark table kept their version (their key-value storage); cleared once passed. */
export const LEGACY_SCHEMA_VERSION_KEY = "do-schema:version";

const VersionSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9]{1,16}$/, "a schema version is a short word"));

export const schemaMarkTable = (version: string) => `${SCHEMA_MARK_PREFIX}${v.parse(VersionSchema, version)}`;

/** Whether the object's SQLite has a table of this name (one query, no exception when it does not). */
export const hasTable = (sql: SqlStorage, table: string) =>
  sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", table).toArray().length > 0;

/** Drops every other version's mark, then marks `table`'s. */
function mark(sql: SqlStorage, table: string): void {
  const others = sql
    .exec<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, ?) = ? AND name != ?",
      SCHEMA_MARK_PREFIX.length,
      SCHEMA_MARK_PREFIX,
      table,
    )
    .toArray();
  for (const { name } of others) sql.exec(`DROP TABLE "${name.replaceAll('"', '""')}"`);
  sql.exec(`CREATE TABLE IF NOT EXISTS ${table} (marked INTEGER)`);
}

/**
 * Creates a Durable Object's tables unless its SQLite is already marked with `version`: a woken
 * object makes one query instead of re-parsing every CREATE TABLE IF NOT EXISTS on each wake.
 * DO SQLite refuses `PRAGMA user_version` (SQLITE_AUTH), hence the mark table; `deleteAll()`
 * drops it with the others, so the next call creates them again. `ddl` must be idempotent
 * (IF NOT EXISTS), since objects from before the mark table run it once more.
 */
export function ensureSchema(
  storage: DurableObjectStorage,
  version: string,
  ddl: string,
  /** What CREATE ... IF NOT EXISTS cannot do to an existing table (a new column); idempotent too. */
  upgrade?: (sql: SqlStorage) => void,
): void {
  const table = schemaMarkTable(version);
  if (hasTable(storage.sql, table)) return;
  storage.sql.exec(ddl);
  upgrade?.(storage.sql);
  mark(storage.sql, table);
  if (storage.kv.get(LEGACY_SCHEMA_VERSION_KEY) !== undefined) storage.kv.delete(LEGACY_SCHEMA_VERSION_KEY);
}
