#!/usr/bin/env node
// Expand/contract guard for D1 migrations. During a gradual rollout the deployed (old) code runs
// against the new schema, and a rollback never undoes a migration, so a migration must not drop
// or rename a column (or table) that the deployed code still uses.
//
// How: build each service's schema twice in an in-memory SQLite: from the migrations at --base
// (the deployed release) and from the migrations in the working tree. Every column or table that
// exists at base and is gone now was dropped or renamed. For each, read the service's source
// *at base* (services/<svc>/src and packages/shared/src, tests and comments left out): a file
// that names the table and the column is a use, and the check fails, pointing at it.
// Also refused: editing a migration that exists at base (it has been applied; add a new one).
//
// usage: node scripts/check-migrations.mjs [--base <git ref>] [--root <repo dir>]
//   --base defaults to the newest v* release tag; with no release tag nothing is deployed yet
//   and the check passes. Needs Node 22 (node:sqlite).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { SERVICES } from "./lib.mjs";

const { values } = parseArgs({ options: { base: { type: "string" }, root: { type: "string" } } });
const root = values.root ?? join(dirname(fileURLToPath(import.meta.url)), "..");
const git = (...args) => execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

function defaultBase() {
  try {
    return git("describe", "--tags", "--abbrev=0", "--match", "v*", "HEAD").trim();
  } catch {
    return null;
  }
}

const base = values.base ?? defaultBase();
if (!base) {
  console.log("check-migrations: no release tag (v*) yet, so nothing is deployed to protect: ok");
  process.exit(0);
}

// node:sqlite prints an ExperimentalWarning on Node 22; it is expected here, not news.
const emitWarning = process.emitWarning;
process.emitWarning = (warning, ...rest) => {
  if (String(warning).includes("SQLite")) return;
  emitWarning.call(process, warning, ...rest);
};
const { DatabaseSync } = await import("node:sqlite");

const filesAt = (ref, dir) => {
  try {
    return git("ls-tree", "-r", "--name-only", ref, "--", dir).split("\n").filter(Boolean);
  } catch {
    return [];
  }
};
const showAt = (ref, path) => git("show", `${ref}:${path}`);

const migrationsAt = (ref, svc) =>
  filesAt(ref, `migrations/${svc}/`)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((f) => ({ name: f, sql: showAt(ref, f) }));

function migrationsNow(svc) {
  const dir = join(root, "migrations", svc);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((f) => ({ name: `migrations/${svc}/${f}`, sql: readFileSync(join(dir, f), "utf8") }));
}

/** table -> Set(columns) after applying the migrations in order. */
function schemaOf(migrations, label) {
  const db = new DatabaseSync(":memory:");
  for (const m of migrations) {
    try {
      db.exec(m.sql);
    } catch (e) {
      throw new Error(`${label}: ${m.name} does not apply: ${e.message}`);
    }
  }
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .all()
    .map((r) => r.name);
  const schema = new Map();
  for (const t of tables) {
    schema.set(
      t,
      new Set(
        db
          .prepare(`PRAGMA table_info("${t.replaceAll('"', '""')}")`)
          .all()
          .map((c) => c.name),
      ),
    );
  }
  db.close();
  return schema;
}

const stripComments = (src) => src.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
const mentions = (src, word) =>
  new RegExp(`(^|[^A-Za-z0-9_])${word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^A-Za-z0-9_])`).test(src);

function sourcesAt(ref, svc) {
  return [...filesAt(ref, `services/${svc}/src/`), ...filesAt(ref, "packages/shared/src/")]
    .filter((f) => /\.(ts|js|mjs)$/.test(f) && !/\.test\.(ts|js|mjs)$/.test(f))
    .map((f) => ({ path: f, src: stripComments(showAt(ref, f)) }));
}

function lineOf(src, word) {
  const i = src.split("\n").findIndex((l) => mentions(l, word));
  return i + 1;
}

const problems = [];
for (const svc of SERVICES) {
  const before = migrationsAt(base, svc);
  const now = migrationsNow(svc);
  if (before.length === 0) continue;
  // A retired database (the service's migrations folder removed with its D1 binding, as the
  // gateway's was) is no longer migrated, and nothing drops it: the released code, which still
  // binds it, keeps reading the same tables until the new version replaces it.
  if (!existsSync(join(root, "migrations", svc))) {
    console.log(`check-migrations: ${svc} no longer has a D1 database (migrations/${svc} removed): skipped`);
    continue;
  }

  const nowByName = new Map(now.map((m) => [m.name, m.sql]));
  for (const m of before) {
    if (!nowByName.has(m.name))
      problems.push(`${m.name}: deleted, but ${base} has applied it; add a new migration instead`);
    else if (nowByName.get(m.name) !== m.sql)
      problems.push(`${m.name}: edited after ${base} applied it; add a new migration instead`);
  }

  const old = schemaOf(before, `${svc} at ${base}`);
  const current = schemaOf(now, `${svc} now`);
  const sources = sourcesAt(base, svc);
  for (const [table, columns] of old) {
    if (table === "d1_migrations" || table.startsWith("_cf_")) continue;
    const users = sources.filter((s) => mentions(s.src, table));
    if (!current.has(table)) {
      for (const u of users) {
        problems.push(
          `${svc}: table ${table} is dropped or renamed, but ${base} still uses it (${u.path}:${lineOf(u.src, table)})`,
        );
      }
      continue;
    }
    for (const column of columns) {
      if (current.get(table).has(column)) continue;
      for (const u of users.filter((s) => mentions(s.src, column))) {
        problems.push(
          `${svc}: column ${table}.${column} is dropped or renamed, but ${base} still uses it (${u.path}:${lineOf(u.src, column)})`,
        );
      }
    }
  }
}

if (problems.length > 0) {
  console.error(`check-migrations: refused against ${base} (expand/contract, docs/operations.md):`);
  for (const p of problems) console.error(`  - ${p}`);
  console.error("Ship the code that stops using it first (a release), then drop it in a later migration.");
  process.exit(1);
}
console.log(`check-migrations: every column and table the code at ${base} uses still exists: ok`);
