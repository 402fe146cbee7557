import { env } from "cloudflare:workers";
import { summarize } from "@atomic-guide/shared";
import { beforeEach, describe, expect, it } from "vitest";
import { dailyBackup } from "./daily-backup";
import { BACKUP_MAX_AGE_MS, backupHealth } from "./health";

const HOUR = 3_600_000;
const CONFIGURED = {
  BACKUP_ACCOUNT_ID: "0123456789abcdef0123456789abcdef",
  BACKUP_API_TOKEN: "test-d1-export-token-0123456789",
  BACKUP_DATABASES: "atomic-guide-analytics-staging",
};
const staging = (extra: object = CONFIGURED) => ({ ENVIRONMENT: "staging", BACKUPS: env.BACKUPS, ...extra });

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const stamp = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replaceAll(":", "")}Z`;

async function putManifests(atMs: number, failures: { database: string; error: string }[] = []) {
  const body = (kind: string) =>
    JSON.stringify({ createdAt: new Date(atMs).toISOString(), kind, databases: [], failures });
  await env.BACKUPS.put(`d1/${day(atMs)}/manifest.json`, body("daily"));
  await env.BACKUPS.put(`d1-scheduled/${stamp(atMs)}/manifest.json`, body("scheduled"));
}

// Storage is isolated per file, not per test: each test starts from an empty bucket.
beforeEach(async () => {
  const all = await env.BACKUPS.list({ limit: 1000 });
  if (all.objects.length) await env.BACKUPS.delete(all.objects.map((o) => o.key));
});

describe("backup health (/health, analytics)", () => {
  it("is ok when both daily backups are recent and complete", async () => {
    const now = Date.now();
    await putManifests(now - 2 * HOUR);
    // An older, failed day does not matter once a newer one succeeded.
    await env.BACKUPS.put(
      `d1/${day(now - 3 * 24 * HOUR)}/manifest.json`,
      JSON.stringify({ failures: [{ database: "x" }] }),
    );
    expect(await backupHealth(staging(), new Date(now))).toMatchObject({ status: "ok" });
  });

  it("is degraded, naming the settings, when the export's secrets are missing", async () => {
    const now = Date.now();
    await putManifests(now - HOUR);
    const health = await backupHealth(staging({}), new Date(now));
    expect(health?.status).toBe("degraded");
    expect(health?.detail).toContain("daily export not configured");
    expect(health?.detail).toContain("BACKUP_API_TOKEN");
    expect(health?.detail).not.toContain(CONFIGURED.BACKUP_API_TOKEN);
  });

  it("is degraded when the newest backup failed for a database, or is older than a day and a half", async () => {
    const now = Date.now();
    await putManifests(now - HOUR, [{ database: "atomic-guide-chat-staging", error: "export failed" }]);
    const failed = await backupHealth(staging(), new Date(now));
    expect(failed?.status).toBe("degraded");
    expect(failed?.detail).toMatch(/failed for atomic-guide-chat-staging/);

    const stale = await backupHealth(staging(), new Date(now + BACKUP_MAX_AGE_MS));
    expect(stale?.status).toBe("degraded");
    expect(stale?.detail).toMatch(/daily export: last backup d1\/.* is stale/);
  });

  it("is degraded when no backup was ever made", async () => {
    const health = await backupHealth(staging(), new Date());
    expect(health?.detail).toBe("daily export: no backup found; Back up D1 workflow: no backup found");
  });

  it("reports nothing outside staging and production (no account, no backups expected)", async () => {
    expect(await backupHealth({ ENVIRONMENT: "development", BACKUPS: env.BACKUPS })).toBeUndefined();
  });

  it("degrades the service's health as a whole", () => {
    const ok = { status: "ok" as const, latencyMs: 1 };
    expect(summarize({ d1: ok, kv: ok, durableObject: ok }).status).toBe("ok");
    expect(
      summarize({ d1: ok, kv: ok, durableObject: ok, backup: { status: "degraded", latencyMs: 1, detail: "x" } })
        .status,
    ).toBe("degraded");
  });
});

describe("the scheduled backup without its secrets", () => {
  it("fails in staging and leaves a manifest saying why, which health then reports", async () => {
    const now = new Date();
    await expect(dailyBackup(staging({}), now)).rejects.toThrow(/daily D1 backup not configured: BACKUP_ACCOUNT_ID/);
    const manifest = (await (await env.BACKUPS.get(`d1/${day(now.getTime())}/manifest.json`))!.json()) as {
      failures: { database: string; error: string }[];
    };
    expect(manifest.failures).toEqual([{ database: "*", error: expect.stringMatching(/^not configured: /) }]);
    const health = await backupHealth(staging(), now);
    expect(health?.detail).toContain("failed for *");
  });
});
