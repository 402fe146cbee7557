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

/** The runtime's own tables and SQLite's: present in an object none of our code has used. */
const isInternal = (name: string) => name.startsWith("_cf_") || name.startsWith("sqlite_");
const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Creates a Durable Object's tables unless its SQLite is already marked with `version`: a woken
 * object makes one query instead of re-parsing every CREATE TABLE IF NOT EXISTS on each wake.
 * DO SQLite refuses `PRAGMA user_version` (SQLITE_AUTH), hence the mark table; `deleteAll()`
 * drops it with the others, so the next call creates them again. `ddl` must be idempotent
 * (IF NOT EXISTS), since objects from before the mark table run it once more.
 *
 * A new object (no table of ours yet) gets its tables and mark in one SQLite script; only an
 * object that already had tables is upgraded, checked for an old-style mark and re-marked.
 */
export function ensureSchema(
  storage: DurableObjectStorage,
  version: string,
  ddl: string,
  /** What CREATE ... IF NOT EXISTS cannot do to an existing table (a new column); idempotent too. */
  upgrade?: (sql: SqlStorage) => void,
): void {
  const table = schemaMarkTable(version);
  const tables = storage.sql
    .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
    .toArray()
    .map((r) => r.name);
  if (tables.includes(table)) return;
  const markTable = `CREATE TABLE IF NOT EXISTS ${table} (marked INTEGER);`;
  if (tables.every(isInternal)) {
    storage.sql.exec(`${ddl};\n${markTable}`);
    return;
  }
  storage.sql.exec(ddl);
  upgrade?.(storage.sql);
  const others = tables.filter((name) => name.startsWith(SCHEMA_MARK_PREFIX));
  storage.sql.exec(`${others.map((name) => `DROP TABLE ${quoted(name)};`).join("")}${markTable}`);
  if (storage.kv.get(LEGACY_SCHEMA_VERSION_KEY) !== undefined) storage.kv.delete(LEGACY_SCHEMA_VERSION_KEY);
}
