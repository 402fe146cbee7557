// Which tables of a service hold tenant rows: built from the service's migrations in an
// in-memory SQLite (node:sqlite), every ordinary table with a tenant_id column. Virtual tables
// (chat's FTS5 index) and their shadow tables are left out: triggers on the base table fill them.
// So are tables that stay in the shared database for every tenant (SHARED_TABLES): analytics'
// operator request metrics name no learner and are read across tenants (docs/architecture.md).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "./lib.mjs";

// node:sqlite prints an ExperimentalWarning on Node 22; expected here.
process.removeAllListeners("warning");
const { DatabaseSync } = await import("node:sqlite");

/** Tables with a tenant_id that are operator-wide, never moved: the services read them from `DB` only. */
export const SHARED_TABLES = { analytics: ["request_samples", "request_rollups"] };

export function tenantTables(service) {
  const dir = join(root, "migrations", service);
  const db = new DatabaseSync(":memory:");
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith(".sql"))
    .sort())
    db.exec(readFileSync(join(dir, f), "utf8"));
  const tables = db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")
    .all();
  const virtual = tables.filter((t) => /^CREATE VIRTUAL TABLE/i.test(t.sql)).map((t) => t.name);
  const shadow = (name) => virtual.some((v) => name.startsWith(`${v}_`));
  const shared = SHARED_TABLES[service] ?? [];
  return tables
    .filter((t) => !virtual.includes(t.name) && !shadow(t.name) && !shared.includes(t.name))
    .filter((t) =>
      db
        .prepare(`PRAGMA table_info("${t.name}")`)
        .all()
        .some((c) => c.name === "tenant_id"),
    )
    .map((t) => t.name);
}
