#!/usr/bin/env node
// Loads a D1 dump from the backup bucket into a database: downloads dump and manifest, checks
// the SHA-256, records an undo bookmark (remote), drops the database's tables (a dump recreates
// them, d1_migrations included), loads the dump, then compares row counts with the manifest.
// --into restores into another, empty database instead (safer: inspect, then switch the binding).
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { confirm, D1_SERVICES, Runner, runMain, serviceCli, target, usageError } from "./lib.mjs";

const USAGE = `usage: restore-from-backup.mjs --env <staging|production|local> --service <svc> --prefix <d1/<date> | d1-manual/<stamp> | d1-scheduled/<stamp>>
  [--into <database name>] [--config <wrangler.jsonc> (local only)] [--yes] [--dry-run]`;
const { values, env, service, dryRun } = serviceCli(USAGE, {
  services: D1_SERVICES,
  envs: ["staging", "production", "local"],
  options: { prefix: { type: "string" }, into: { type: "string" }, config: { type: "string" } },
});
if (!values.prefix || !/^(d1|d1-manual|d1-scheduled)\/[\w.-]+$/.test(values.prefix))
  usageError("--prefix must name a backup, e.g. d1/2026-11-24", USAGE);
if (values.config && env !== "local") usageError("--config is for --env local only", USAGE);

// Tables D1 manages itself are left alone; virtual tables are listed first, because dropping
// one drops its shadow tables, which cannot be dropped on their own.
const LIST_TABLES =
  "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY sql NOT LIKE 'CREATE VIRTUAL TABLE%'";

function rowsOf(output) {
  return Array.isArray(output) ? (output[0]?.results ?? []) : [];
}

async function main() {
  const t = target({ service, env, config: values.config });
  const db = values.into ?? t.db;
  const source = `${values.prefix}/${t.db}.sql`;
  const dir = join(".tmp", "restore", env, values.prefix.replaceAll("/", "_"));
  if (!dryRun) mkdirSync(dir, { recursive: true });
  const dumpFile = join(dir, `${t.db}.sql`);
  const manifestFile = join(dir, "manifest.json");
  const remote = env !== "local";
  const run = new Runner({ dryRun, total: remote ? 7 : 6 });

  run.step(`Download ${t.bucket}/${source} and its manifest`);
  await run.wrangler(["r2", "object", "get", `${t.bucket}/${source}`, ...t.r2, "--file", dumpFile]);
  await run.wrangler([
    "r2",
    "object",
    "get",
    `${t.bucket}/${values.prefix}/manifest.json`,
    ...t.r2,
    "--file",
    manifestFile,
  ]);

  run.step("Check the dump against the manifest (SHA-256)");
  let expected = null;
  if (!dryRun) {
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
    expected = manifest.databases.find((d) => d.key === source);
    if (!expected) throw new Error(`the manifest does not list ${source}`);
    const sha = createHash("sha256").update(readFileSync(dumpFile)).digest("hex");
    if (sha !== expected.sha256) throw new Error(`checksum mismatch: manifest ${expected.sha256}, file ${sha}`);
    run.log(`    sha256 ok; expecting rows ${JSON.stringify(expected.tables)}`);
  }

  const d1 = t.d1;
  if (remote) {
    run.step(`Record the current bookmark of ${db} (the undo point)`);
    const info = await run.wrangler(
      ["d1", "time-travel", "info", db, ...d1.filter((f) => f !== "--remote"), "--json"],
      {
        json: true,
        placeholder: { bookmark: "<undo-bookmark>" },
      },
    );
    run.note(
      `undo with: wrangler d1 time-travel restore ${db} ${d1.filter((f) => f !== "--remote").join(" ")} --bookmark=${info.bookmark}`,
    );
  }
  if (!(await confirm(`Replace every table of ${db} with the contents of ${source}?`, { yes: values.yes, dryRun }))) {
    run.log("cancelled; nothing changed");
    return;
  }

  run.step(`Drop the current tables of ${db}`);
  const listed = await run.wrangler(["d1", "execute", db, ...d1, "--command", LIST_TABLES, "--json"], {
    json: true,
    placeholder: [{ results: [{ name: "<each table>" }] }],
  });
  const tables = rowsOf(listed).map((r) => r.name);
  if (tables.length > 0) {
    const drop = [
      "PRAGMA defer_foreign_keys = on",
      ...tables.map((n) => `DROP TABLE IF EXISTS "${n.replaceAll('"', '""')}"`),
    ].join("; ");
    await run.wrangler(["d1", "execute", db, ...d1, "--command", drop, "--yes"]);
  } else if (!dryRun) run.log("    (no tables)");

  run.step(`Load the dump into ${db}`);
  await run.wrangler(["d1", "execute", db, ...d1, "--file", dumpFile, "--yes"]);

  run.step("Compare row counts with the manifest");
  const tablesToCount = expected ? Object.keys(expected.tables) : ["<each table in the manifest>"];
  if (tablesToCount.length > 0) {
    const ident = (n) => `"${n.replaceAll('"', '""')}"`;
    const literal = (n) => `'${n.replaceAll("'", "''")}'`;
    // One statement per table in one call (D1 caps the terms of a compound SELECT).
    const countSql = tablesToCount.map((n) => `SELECT ${literal(n)} AS t, COUNT(*) AS n FROM ${ident(n)}`).join("; ");
    const out = await run.wrangler(["d1", "execute", db, ...d1, "--command", countSql, "--json"], {
      json: true,
      placeholder: [{ results: [] }],
    });
    if (!dryRun) {
      const counted = Array.isArray(out) ? out.flatMap((r) => r.results ?? []) : [];
      const restored = Object.fromEntries(counted.map((r) => [r.t, r.n]));
      for (const table of tablesToCount) {
        if (restored[table] !== expected.tables[table]) {
          throw new Error(`${table}: ${restored[table]} rows restored, manifest says ${expected.tables[table]}`);
        }
      }
      run.log(`    row counts match: ${JSON.stringify(restored)}`);
    }
  }
  run.step("Done");
  run.watch("the service's /health and its error rate; the KV fallback snapshots refresh on the next reads");
}

if (values.into && !/^[\w-]+$/.test(values.into)) usageError("--into must be a database name", USAGE);
if (values.into && env === "local") usageError("--into is for remote databases only", USAGE);
runMain(main);
