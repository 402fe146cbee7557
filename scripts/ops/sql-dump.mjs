// A SQL dump of a D1 database made from plain SELECTs over `wrangler d1 execute`, for databases
// `wrangler d1 export` refuses: D1 cannot export a database holding a virtual table (FTS5),
// locally or remotely. The output has the layout of D1's own dumps (schema, then one
// `INSERT INTO "t" (...) VALUES(...)` line per row, then indexes and triggers), so
// restore-from-backup.mjs loads it the same way. Virtual tables are recreated and refilled
// through their own INSERTs; their shadow tables are left to SQLite.

const PAGE = 1000;
const SCHEMA_SQL =
  "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY rowid";

export const ident = (name) => `"${String(name).replaceAll('"', '""')}"`;

/** An SQL literal that reads back as exactly the same value. */
export function literal(value) {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "NULL";
  if (typeof value === "boolean") return value ? "1" : "0";
  if (Array.isArray(value)) return `X'${Buffer.from(value).toString("hex")}'`;
  // Line breaks become char() calls so every row stays on one line of the dump.
  const parts = String(value).split(/(\r|\n)/);
  const sql = parts
    .map((p) => (p === "\n" ? "char(10)" : p === "\r" ? "char(13)" : `'${p.replaceAll("'", "''")}'`))
    .filter((p) => p !== "''");
  return sql.length === 0 ? "''" : sql.join(" || ");
}

/** Rows of each statement's result from `wrangler d1 execute --json`. */
const resultsOf = (output) => (Array.isArray(output) ? output.map((r) => r.results ?? []) : []);

/** WITHOUT ROWID tables (the outbox's applied keys) have no rowid to page by or restore. */
export function isWithoutRowid(sql) {
  return /\)\s*WITHOUT\s+ROWID\b/i.test(sql);
}

export function isVirtual(sql) {
  return /^CREATE VIRTUAL TABLE/i.test(sql);
}

/** Tables whose rows a dump carries: ordinary and virtual tables, not a virtual table's shadows. */
export function dataTables(schema) {
  const tables = schema.filter((o) => o.type === "table");
  const virtual = tables.filter((t) => isVirtual(t.sql)).map((t) => t.name);
  return tables.filter((t) => !virtual.some((v) => t.name.startsWith(`${v}_`)));
}

/**
 * Builds the dump with as few wrangler calls as possible: one for the schema, then one per
 * page round, each round reading the next page of every table that still has rows.
 */
export async function pagedDump(query, onProgress = () => {}) {
  const schema = resultsOf(await query(SCHEMA_SQL))[0] ?? [];
  const tables = dataTables(schema);
  const lines = ["PRAGMA defer_foreign_keys=TRUE;"];
  for (const t of tables) lines.push(`${t.sql};`);
  const after = Object.fromEntries(tables.map((t) => [t.name, 0]));
  // A WITHOUT ROWID table is stored in primary-key order, so an offset pages it stably.
  const noRowid = new Set(tables.filter((t) => isWithoutRowid(t.sql)).map((t) => t.name));
  let open = tables.map((t) => t.name);
  const inserts = Object.fromEntries(tables.map((t) => [t.name, []]));
  while (open.length > 0) {
    const statements = open.map((name) =>
      noRowid.has(name)
        ? `SELECT * FROM ${ident(name)} LIMIT ${PAGE} OFFSET ${after[name]}`
        : `SELECT rowid AS "__rowid__", * FROM ${ident(name)} WHERE rowid > ${after[name]} ORDER BY rowid LIMIT ${PAGE}`,
    );
    const pages = resultsOf(await query(statements.join("; ")));
    const next = [];
    for (const [i, name] of open.entries()) {
      const rows = pages[i] ?? [];
      for (const row of rows) {
        if (noRowid.has(name)) {
          const columns = Object.keys(row);
          inserts[name].push(
            `INSERT INTO ${ident(name)} (${columns.map(ident).join(",")}) VALUES(${columns.map((c) => literal(row[c])).join(",")});`,
          );
          after[name] += 1;
          continue;
        }
        const { __rowid__: rowid, ...values } = row;
        const columns = Object.keys(values);
        // The rowid is kept, so FTS5 rows and INTEGER PRIMARY KEYs come back with the same ids.
        inserts[name].push(
          `INSERT INTO ${ident(name)} (rowid, ${columns.map(ident).join(",")}) VALUES(${[rowid, ...columns.map((c) => values[c])].map(literal).join(",")});`,
        );
        after[name] = rowid;
      }
      onProgress(name, inserts[name].length);
      if (rows.length === PAGE) next.push(name);
    }
    open = next;
  }
  for (const t of tables) lines.push(...inserts[t.name]);
  for (const o of schema) if (o.type === "index" || o.type === "trigger") lines.push(`${o.sql};`);
  return `${lines.join("\n")}\n`;
}
