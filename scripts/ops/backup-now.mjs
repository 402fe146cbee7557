#!/usr/bin/env node
// An on-demand backup (before a risky change, or when the daily export failed): exports the D1
// databases of every service that has them (not the gateway) and stores the dump plus a manifest (tables, row counts, SHA-256) in the
// backup bucket under d1-manual/<stamp>/ (--kind scheduled: d1-scheduled/<stamp>/, which the
// scheduled backup workflow writes and an R2 lifecycle rule expires). The analytics Worker's
// daily job writes d1/<date>/ and prunes only that.
// Exports block the database while they run: run it at a quiet hour.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dumpDatabase } from "./dump-database.mjs";
import {
  backupStamp,
  countDumpRows,
  D1_SERVICES,
  databasesOf,
  envVar,
  parseCli,
  Runner,
  requireOneOf,
  runMain,
  target,
  usageError,
} from "./lib.mjs";

const USAGE = `usage: backup-now.mjs --env <staging|production|local> [--services a,b] [--kind manual|scheduled]
  [--config <wrangler.jsonc> (local only)] [--dry-run]`;
const { values } = parseCli(
  { env: { type: "string" }, services: { type: "string" }, config: { type: "string" }, kind: { type: "string" } },
  USAGE,
);
const kind = requireOneOf(values.kind ?? "manual", ["manual", "scheduled"], "--kind", USAGE);
const env = requireOneOf(values.env, ["staging", "production", "local"], "--env", USAGE);
const services = values.services ? values.services.split(",") : D1_SERVICES;
for (const s of services) requireOneOf(s, D1_SERVICES, "--services", USAGE);
if (values.config && env !== "local") usageError("--config is for --env local only", USAGE);
const dryRun = Boolean(values["dry-run"]);

async function main() {
  // A backup that cannot reach the account must fail the run, not report success with nothing stored.
  if (!dryRun && env !== "local") {
    const missing = ["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_ACCOUNT_ID"].filter((n) => !envVar(n));
    if (missing.length) throw new Error(`${missing.join(" and ")} must be set for a backup of ${env}`);
  }
  const stamp = backupStamp();
  const prefix = `d1-${kind}/${stamp}`;
  const dir = join(".tmp", "backups", env, stamp);
  if (!dryRun) mkdirSync(dir, { recursive: true });
  // Every database each service binds in the environment: its own and the tenants' (from the configs).
  const jobs = [];
  for (const service of services) {
    const t = target({ service, env, config: values.config });
    for (const db of env === "local" ? [t.db] : await databasesOf(service, env))
      jobs.push({ service, t: { ...t, db } });
  }
  const run = new Runner({ dryRun, total: jobs.length * 2 + 1 });
  const manifest = { createdAt: new Date().toISOString(), environment: env, kind, databases: [] };
  let bucket;
  let r2;
  for (const { service, t } of jobs) {
    bucket = t.bucket;
    r2 = t.r2;
    const file = join(dir, `${t.db}.sql`);
    run.step(`Export ${t.db} (blocks the database while it runs)`);
    await dumpDatabase(run, t, file);
    const key = `${prefix}/${t.db}.sql`;
    run.step(`Store the dump as ${bucket}/${key}`);
    await run.wrangler([
      "r2",
      "object",
      "put",
      `${bucket}/${key}`,
      ...t.r2,
      "--file",
      file,
      "--content-type",
      "application/sql",
    ]);
    if (!dryRun) {
      const sql = readFileSync(file);
      const entry = {
        database: t.db,
        service,
        key,
        bytes: sql.byteLength,
        sha256: createHash("sha256").update(sql).digest("hex"),
        tables: countDumpRows(sql.toString("utf8")),
      };
      manifest.databases.push(entry);
      run.log(`    ${entry.bytes} bytes, sha256 ${entry.sha256.slice(0, 16)}..., rows ${JSON.stringify(entry.tables)}`);
    }
  }
  const manifestFile = join(dir, "manifest.json");
  if (!dryRun) writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  run.step(`Store the manifest as ${bucket}/${prefix}/manifest.json`);
  await run.wrangler([
    "r2",
    "object",
    "put",
    `${bucket}/${prefix}/manifest.json`,
    ...r2,
    "--file",
    manifestFile,
    "--content-type",
    "application/json",
  ]);
  // The restore drill starts from the newest backup of a kind; R2 has no "newest" query for it.
  const latestFile = join(dir, "latest.json");
  if (!dryRun) writeFileSync(latestFile, `${JSON.stringify({ prefix })}\n`);
  await run.wrangler([
    "r2",
    "object",
    "put",
    `${bucket}/d1-${kind}/latest.json`,
    ...r2,
    "--file",
    latestFile,
    "--content-type",
    "application/json",
  ]);
  run.note(`restore with: node scripts/ops/restore-from-backup.mjs --env ${env} --service <svc> --prefix ${prefix}`);
}

runMain(main);
