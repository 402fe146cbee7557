import type { ComponentState } from "@atomic-guide/shared";
import * as v from "valibot";
import { backupConfigFrom } from "./config";

/**
 * Whether backups are happening, for /health and the ops view: read from what the backups
 * themselves leave in R2, so a job that never ran is as visible as one that failed.
 *   d1/<date>/manifest.json          the analytics Worker's daily export (daily-backup.ts)
 *   d1-scheduled/<stamp>/manifest.json  the Back up D1 workflow (every database, chat's too)
 * Outside staging and production no backup is expected and there is nothing to report.
 */
export const BACKUP_MAX_AGE_MS = 36 * 3_600_000; // a daily job, plus slack for one late run

const ManifestSchema = v.object({
  createdAt: v.optional(v.string()),
  failures: v.optional(v.array(v.object({ database: v.string(), error: v.optional(v.string()) })), []),
});

const SOURCES = [
  { prefix: "d1/", name: "daily export", stamp: /^d1\/(\d{4}-\d{2}-\d{2})\/$/ },
  {
    prefix: "d1-scheduled/",
    name: "Back up D1 workflow",
    stamp: /^d1-scheduled\/(\d{4}-\d{2}-\d{2})T(\d{2})(\d{2})(\d{2})Z\/$/,
  },
] as const;

function stampTime(match: RegExpExecArray): number {
  const [, day, h = "00", m = "00", s = "00"] = match;
  return Date.parse(`${day}T${h}:${m}:${s}.000Z`);
}

/** The newest backup folder under a prefix, by the date in its name. */
async function newest(bucket: R2Bucket, source: (typeof SOURCES)[number]) {
  let best: { folder: string; at: number } | undefined;
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix: source.prefix, delimiter: "/", cursor, limit: 1000 });
    for (const folder of page.delimitedPrefixes) {
      const m = source.stamp.exec(folder);
      if (m && (!best || stampTime(m) > best.at)) best = { folder, at: stampTime(m) };
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return best;
}

async function problemsOf(bucket: R2Bucket, source: (typeof SOURCES)[number], nowMs: number): Promise<string[]> {
  const latest = await newest(bucket, source);
  if (!latest) return [`${source.name}: no backup found`];
  const problems: string[] = [];
  if (nowMs - latest.at > BACKUP_MAX_AGE_MS) problems.push(`${source.name}: last backup ${latest.folder} is stale`);
  const stored = await bucket.get(`${latest.folder}manifest.json`);
  const manifest = v.safeParse(ManifestSchema, stored ? await stored.json().catch(() => null) : null);
  if (!manifest.success) problems.push(`${source.name}: ${latest.folder} has no readable manifest`);
  else if (manifest.output.failures.length > 0) {
    const names = manifest.output.failures.map((f) => f.database).join(", ");
    problems.push(`${source.name}: ${latest.folder} failed for ${names}`);
  }
  return problems;
}

export async function backupHealth(
  env: { ENVIRONMENT?: string; BACKUPS: R2Bucket } & object,
  now = new Date(),
): Promise<ComponentState | undefined> {
  if (env.ENVIRONMENT !== "staging" && env.ENVIRONMENT !== "production") return undefined;
  const started = performance.now();
  const problems: string[] = [];
  const config = backupConfigFrom(env);
  // Names of the missing settings only: never a value.
  if (!config.ok) problems.push(`daily export not configured (${config.reason})`);
  try {
    for (const source of SOURCES) problems.push(...(await problemsOf(env.BACKUPS, source, now.getTime())));
  } catch {
    problems.push("backup bucket unreadable");
  }
  const latencyMs = Math.round(performance.now() - started);
  return problems.length === 0
    ? { status: "ok", latencyMs }
    : { status: "degraded", latencyMs, detail: problems.join("; ") };
}
