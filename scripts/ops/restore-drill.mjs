#!/usr/bin/env node
// Restore drill: proves the newest backup restores. For every database in the backup's
// manifest: download the dump, check its SHA-256, load it into a scratch database, dump the
// scratch copy the way backups are made, and compare every table's row count and content
// checksum with the original dump (and the counts with the manifest). Scratch databases are
// deleted afterwards. Exit 1 on any difference. Scheduled weekly (restore-drill.yml); offline
// in CI with --env local (restore-drill.test.mjs).
//   node scripts/ops/restore-drill.mjs --env production [--prefix d1-scheduled/<stamp>] [--dry-run]
//   node scripts/ops/restore-drill.mjs --env local --config <wrangler.jsonc> [--prefix ...]
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { dumpDatabase, tableChecksums } from "./dump-database.mjs";
import { backupStamp, parseCli, Runner, requireOneOf, runMain, target, usageError } from "./lib.mjs";

const USAGE = `usage: restore-drill.mjs --env <staging|production|local> [--prefix <d1-scheduled/<stamp>|d1-manual/<stamp>>]
  [--kind scheduled|manual] [--config <wrangler.jsonc> (local only)] [--dry-run]`;
const { values } = parseCli(
  { env: { type: "string" }, prefix: { type: "string" }, kind: { type: "string" }, config: { type: "string" } },
  USAGE,
);
const env = requireOneOf(values.env, ["staging", "production", "local"], "--env", USAGE);
const kind = requireOneOf(values.kind ?? "scheduled", ["scheduled", "manual"], "--kind", USAGE);
if (values.prefix && !/^(d1-manual|d1-scheduled)\/[\w.-]+$/.test(values.prefix))
  usageError("--prefix must name a backup made by backup-now.mjs", USAGE);
if (env === "local" && !values.config) usageError("--env local needs --config", USAGE);
const dryRun = Boolean(values["dry-run"]);
const local = env === "local";

/** Local scratch databases live in a config beside the given one, so they share its local state. */
function localScratchConfig(names) {
  const file = join(dirname(values.config), "restore-drill.wrangler.json");
  const cfg = {
    name: "restore-drill",
    compatibility_date: "2026-10-01",
    d1_databases: names.map((n, i) => {
      const hex = createHash("sha256").update(n).digest("hex");
      return {
        binding: `SCRATCH_${i}`,
        database_name: n,
        database_id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`,
      };
    }),
  };
  writeFileSync(file, JSON.stringify(cfg, null, 2));
  return file;
}

async function main() {
  const base = target({ service: "analytics", env, config: values.config });
  const dir = join(".tmp", "restore-drill", env);
  if (!dryRun) mkdirSync(dir, { recursive: true });
  const run = new Runner({ dryRun, total: 2 });
  const r2 = base.r2;

  run.step("Find the backup and read its manifest");
  let prefix = values.prefix;
  if (!prefix) {
    const latest = join(dir, "latest.json");
    await run.wrangler(["r2", "object", "get", `${base.bucket}/d1-${kind}/latest.json`, ...r2, "--file", latest]);
    prefix = dryRun ? `d1-${kind}/<newest stamp>` : JSON.parse(readFileSync(latest, "utf8")).prefix;
  }
  const manifestFile = join(dir, "manifest.json");
  await run.wrangler(["r2", "object", "get", `${base.bucket}/${prefix}/manifest.json`, ...r2, "--file", manifestFile]);
  const manifest = dryRun
    ? { databases: [{ database: "<each database>", key: `${prefix}/<each database>.sql`, tables: {} }] }
    : JSON.parse(readFileSync(manifestFile, "utf8"));
  if (!dryRun && manifest.databases.length === 0) throw new Error(`${prefix} lists no database`);
  run.log(`    ${prefix}: ${manifest.databases.map((d) => d.database).join(", ")}`);

  // Fresh names every run: a scratch database left by an interrupted drill is never reused.
  const runId = backupStamp().toLowerCase();
  const scratchName = (i) => `atomic-guide-restore-drill-${runId}-${i}`;
  const scratchConfig = local ? localScratchConfig(manifest.databases.map((_, i) => scratchName(i))) : undefined;
  const problems = [];
  for (const [i, entry] of manifest.databases.entries()) {
    const scratch = {
      db: scratchName(i),
      d1: local ? ["--local", "-c", scratchConfig] : ["--remote", "-c", base.d1[2], "--env", env],
    };
    run.total += 1;
    run.step(`Drill ${entry.database}: download, check, restore into ${scratch.db}, dump again, compare`);
    const dumpFile = join(dir, basename(entry.key));
    await run.wrangler(["r2", "object", "get", `${base.bucket}/${entry.key}`, ...r2, "--file", dumpFile]);
    if (!dryRun) {
      const sha = createHash("sha256").update(readFileSync(dumpFile)).digest("hex");
      if (sha !== entry.sha256) problems.push(`${entry.database}: dump SHA-256 ${sha} is not the manifest's`);
    }
    if (!local) await run.wrangler(["d1", "create", scratch.db]);
    try {
      await run.wrangler(["d1", "execute", scratch.db, ...scratch.d1, "--file", dumpFile, "--yes"]);
      const again = join(dir, `${scratch.db}.sql`);
      await dumpDatabase(run, scratch, again);
      if (dryRun) continue;
      const original = readFileSync(dumpFile);
      const want = await tableChecksums(original.toString("utf8"));
      const got = await tableChecksums(readFileSync(again, "utf8"));
      for (const [table, w] of Object.entries(want)) {
        const g = got[table];
        if (!g) problems.push(`${entry.database}.${table}: missing after restore`);
        else if (g.rows !== w.rows)
          problems.push(`${entry.database}.${table}: ${g.rows} rows restored, ${w.rows} backed up`);
        else if (g.sha256 !== w.sha256) problems.push(`${entry.database}.${table}: restored content differs`);
        if (entry.tables?.[table] !== undefined && entry.tables[table] !== w.rows)
          problems.push(`${entry.database}.${table}: manifest says ${entry.tables[table]} rows, dump has ${w.rows}`);
      }
      run.log(`    ${Object.keys(want).length} tables compared`);
    } finally {
      if (!local) await run.wrangler(["d1", "delete", scratch.db, "-y"]);
    }
  }
  run.step("Result");
  if (problems.length) throw new Error(`restore drill failed:\n  ${problems.join("\n  ")}`);
  run.log(`    restore drill passed: ${prefix} restores with identical rows in every table`);
}

runMain(main);
