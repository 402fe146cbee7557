/** The metrics buffer's own tables, created or brought up to date when its object starts. */
export function prepareBufferTables(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS pending (
    id INTEGER PRIMARY KEY AUTOINCREMENT, minute TEXT NOT NULL, body TEXT NOT NULL, written INTEGER NOT NULL DEFAULT 0)`);
  // Columns that came after the first version of this table; objects that already have it gain them here.
  // `grp` and `duration` let a closed minute's exact percentiles be read without parsing the bodies.
  const columns = new Set(
    sql
      .exec<{ name: string }>("SELECT name FROM pragma_table_info('pending')")
      .toArray()
      .map((c) => c.name),
  );
  if (!columns.has("tenant")) sql.exec("ALTER TABLE pending ADD COLUMN tenant TEXT");
  if (!columns.has("grp")) sql.exec("ALTER TABLE pending ADD COLUMN grp TEXT");
  if (!columns.has("duration")) sql.exec("ALTER TABLE pending ADD COLUMN duration REAL");
  sql.exec("CREATE INDEX IF NOT EXISTS pending_minute ON pending (minute)");
  // Tenants' open figures are read from the aggregates now, not from pending.
  sql.exec("DROP INDEX IF EXISTS pending_tenant_minute");
  sql.exec("CREATE INDEX IF NOT EXISTS pending_written ON pending (written, id)");
  sql.exec(
    "CREATE TABLE IF NOT EXISTS drops (minute TEXT PRIMARY KEY, service TEXT NOT NULL, dropped INTEGER NOT NULL)",
  );
  sql.exec("CREATE TABLE IF NOT EXISTS rolled (minute TEXT PRIMARY KEY)");
  // The open aggregates live in the object's memory now (rebuilt from `pending` when it starts).
  sql.exec("DROP TABLE IF EXISTS open_buckets");
  sql.exec("DROP TABLE IF EXISTS open_groups");
}
