// One way to dump a D1 database to a file, used by backups and by the restore drill (which
// dumps its scratch copy the same way and compares): `wrangler d1 export`, or paged SELECTs
// for a database with virtual tables (FTS5), which D1 export refuses.
import { writeFileSync } from "node:fs";
import { isVirtual, pagedDump } from "./sql-dump.mjs";

export async function dumpDatabase(run, t, file) {
  const query = (sql) => run.wrangler(["d1", "execute", t.db, ...t.d1, "--command", sql, "--json"], { json: true });
  const schema = await run.wrangler(
    ["d1", "execute", t.db, ...t.d1, "--command", "SELECT name, sql FROM sqlite_master WHERE type = 'table'", "--json"],
    { json: true, placeholder: [{ results: [] }] },
  );
  const virtual = (schema[0]?.results ?? []).filter((r) => r.sql && isVirtual(r.sql)).map((r) => r.name);
  if (virtual.length === 0) {
    await run.wrangler(["d1", "export", t.db, ...t.d1, "--output", file]);
    if (run.dryRun)
      run.note("a database holding virtual tables (FTS5) is dumped with paged SELECTs instead; D1 export refuses it");
  } else {
    run.note(`${virtual.join(", ")} are virtual tables, which D1 export refuses: dumping with paged SELECTs`);
    writeFileSync(file, await pagedDump(query, (table, rows) => run.log(`    ${table}: ${rows} rows so far`)));
  }
}

/**
 * Per table of a dump: its row count and a SHA-256 over its rows in a fixed order, so two dumps
 * of the same content agree table by table whatever order the rows came out in.
 */
export async function tableChecksums(sql) {
  const { createHash } = await import("node:crypto");
  const rows = {};
  for (const m of sql.matchAll(/^CREATE TABLE (?:IF NOT EXISTS )?"?([^"\s(]+)"?/gm)) rows[m[1]] ??= [];
  for (const line of sql.split("\n")) {
    const m = /^INSERT INTO "?([^"\s(]+)"?/.exec(line);
    if (!m) continue;
    rows[m[1]] ??= [];
    rows[m[1]].push(line);
  }
  const out = {};
  for (const [table, lines] of Object.entries(rows)) {
    if (table.startsWith("sqlite_")) continue;
    out[table] = { rows: lines.length, sha256: createHash("sha256").update(lines.sort().join("\n")).digest("hex") };
  }
  return out;
}
