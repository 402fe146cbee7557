import { createLogger, errorFields } from "@atomic-guide/shared";
import * as v from "valibot";
import { type BackupConfig, backupConfigFrom } from "./config";
import { d1ExportApi, type Fetch } from "./d1-export-api";
import { type DumpFacts, streamDumpToR2 } from "./dump-stream";
import { DAILY_PREFIX, pruneDailyBackups } from "./retention";

const log = createLogger({ service: "analytics", module: "backup" });

/** The cron expression the daily backup runs on: a quiet hour, since an export blocks its database. */
export const BACKUP_CRON = "17 3 * * *";

export interface ManifestEntry extends DumpFacts {
  database: string;
  key: string;
  atBookmark?: string;
}

export interface BackupManifest {
  createdAt: string;
  kind: "daily";
  databases: ManifestEntry[];
  failures: { database: string; error: string }[];
  pruned: number;
}

export interface BackupDeps {
  bucket: R2Bucket;
  config: BackupConfig;
  now: Date;
  fetch?: Fetch;
  /** R2 multipart part size: every part but the last must be at least 5 MiB in R2. */
  partBytes?: number;
  pollIntervalMs?: number;
  maxPolls?: number;
}

export const dailyPrefix = (now: Date) => `${DAILY_PREFIX}${now.toISOString().slice(0, 10)}`;

const StoredManifestSchema = v.object({ failures: v.array(v.unknown()) });

/** True when today's manifest exists and recorded no failure (a failed day is retried whole). */
async function doneToday(bucket: R2Bucket, prefix: string): Promise<boolean> {
  const stored = await bucket.get(`${prefix}/manifest.json`);
  if (!stored) return false;
  const parsed = v.safeParse(StoredManifestSchema, await stored.json().catch(() => null));
  return parsed.success && parsed.output.failures.length === 0;
}

/**
 * Exports each named D1 database through the REST API (one at a time: each export blocks its
 * database briefly), streams every dump into R2 as `d1/<date>/<database>.sql`, then writes
 * `d1/<date>/manifest.json` (sizes, SHA-256, rows per table, failures) and prunes old days.
 * A day whose manifest shows no failure is skipped, so a doubled cron does no harm, while a
 * failed day is redone whole by the next run (dumps are overwritten, never appended).
 * One database failing does not stop the others; the run then throws so the cron shows failed.
 */
export async function runD1Backup(deps: BackupDeps): Promise<BackupManifest | null> {
  const prefix = dailyPrefix(deps.now);
  if (await doneToday(deps.bucket, prefix)) {
    log.info("backup already done today", { prefix });
    return null;
  }
  const doFetch = deps.fetch ?? fetch;
  const api = d1ExportApi({
    accountId: deps.config.BACKUP_ACCOUNT_ID,
    apiToken: deps.config.BACKUP_API_TOKEN,
    fetch: doFetch,
    pollIntervalMs: deps.pollIntervalMs ?? 2_000,
    maxPolls: deps.maxPolls ?? 150,
  });
  const manifest: BackupManifest = {
    createdAt: deps.now.toISOString(),
    kind: "daily",
    databases: [],
    failures: [],
    pruned: 0,
  };

  for (const database of deps.config.BACKUP_DATABASES) {
    const key = `${prefix}/${database}.sql`;
    try {
      const uuid = await api.databaseId(database);
      const { signedUrl, atBookmark } = await api.exportDump(uuid);
      // The signed URL is a pre-authorised download: it must not get the API token.
      const dump = await doFetch(signedUrl);
      if (!dump.ok || !dump.body) throw new Error(`downloading the dump answered HTTP ${dump.status}`);
      const facts = await streamDumpToR2(dump.body, deps.bucket, key, deps.partBytes ?? 16 * 1024 * 1024);
      manifest.databases.push({ database, key, ...facts, ...(atBookmark ? { atBookmark } : {}) });
      log.info("database backed up", { database, key, bytes: facts.bytes });
    } catch (e) {
      let error = e instanceof Error ? e.message : String(e);
      if (/virtual table/i.test(error)) {
        error +=
          " (D1 export refuses FTS5 databases; back this one up with the Back up D1 workflow, docs/operations.md)";
      }
      manifest.failures.push({ database, error });
      log.error("database backup failed", { database, ...errorFields(e) });
    }
  }

  manifest.pruned = await pruneDailyBackups(deps.bucket, deps.config.BACKUP_RETENTION_DAYS, deps.now);
  await deps.bucket.put(`${prefix}/manifest.json`, JSON.stringify(manifest, null, 2), {
    httpMetadata: { contentType: "application/json" },
  });
  if (manifest.failures.length > 0) {
    throw new Error(`backup incomplete: ${manifest.failures.map((f) => f.database).join(", ")} failed`);
  }
  return manifest;
}

/**
 * The scheduled entry: reads settings from the Worker's env. Without them, local development
 * (no account) skips; staging and production fail loudly: the day's manifest records why, so
 * /health reports it, and the cron run fails instead of passing as a backup that never happened.
 */
export async function dailyBackup(
  env: { ENVIRONMENT?: string; BACKUPS: R2Bucket } & object,
  now = new Date(),
): Promise<BackupManifest | null> {
  const config = backupConfigFrom(env);
  if (!config.ok) {
    if (env.ENVIRONMENT !== "staging" && env.ENVIRONMENT !== "production") {
      log.info("daily D1 backup skipped: not configured (local development)", { reason: config.reason });
      return null;
    }
    const manifest: BackupManifest = {
      createdAt: now.toISOString(),
      kind: "daily",
      databases: [],
      failures: [{ database: "*", error: `not configured: ${config.reason}` }],
      pruned: 0,
    };
    await env.BACKUPS.put(`${dailyPrefix(now)}/manifest.json`, JSON.stringify(manifest, null, 2), {
      httpMetadata: { contentType: "application/json" },
    });
    log.error("daily D1 backup not configured", { reason: config.reason });
    throw new Error(`daily D1 backup not configured: ${config.reason}`);
  }
  return runD1Backup({ bucket: env.BACKUPS, config: config.config, now });
}
