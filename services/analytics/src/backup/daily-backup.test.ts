import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { backupConfigFrom } from "./config";
import { type BackupManifest, dailyBackup, runD1Backup } from "./daily-backup";

const ACCOUNT = "0123456789abcdef0123456789abcdef";
const TOKEN = "test-d1-export-token-0123456789";
const API = `https://api.cloudflare.com/client/v4/accounts/${ACCOUNT}/d1/database`;
const NOW = new Date("2026-11-24T03:17:00.000Z");

const config = (databases: string[], retentionDays = 30) => {
  const parsed = backupConfigFrom({
    BACKUP_ACCOUNT_ID: ACCOUNT,
    BACKUP_API_TOKEN: TOKEN,
    BACKUP_DATABASES: databases.join(", "),
    BACKUP_RETENTION_DAYS: String(retentionDays),
  });
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.config;
};

/** A dump shaped like D1's: multi-line values go through replace(), text is UTF-8. */
function dumpOf(rows: number): string {
  const lines = [
    "PRAGMA defer_foreign_keys=TRUE;",
    'CREATE TABLE IF NOT EXISTS "d1_migrations"(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE);',
    `INSERT INTO "d1_migrations" ("id","name") VALUES(1,'0001_init.sql');`,
    "CREATE TABLE learning_events (tenant_id TEXT NOT NULL, event_id TEXT NOT NULL, detail TEXT);",
    "CREATE TABLE empty_table (tenant_id TEXT NOT NULL);",
  ];
  for (let i = 0; i < rows; i++) {
    lines.push(
      `INSERT INTO "learning_events" ("tenant_id","event_id","detail") VALUES('acme','e${i}',replace('Lernfortschritt ü 😀 it''s\\nline ${i}','\\n',char(10)));`,
    );
  }
  lines.push(`INSERT INTO "sqlite_sequence" ("name","seq") VALUES('d1_migrations',1);`);
  return `${lines.join("\n")}\n`;
}

/** Emits the text in uneven chunks that split lines and multi-byte characters. */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const sizes = [7, 1, 4093, 65_539, 2, 262_147];
  let offset = 0;
  let turn = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close();
      const size = sizes[turn++ % sizes.length]!;
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

interface Call {
  method: string;
  url: string;
  auth: string | null;
  body: unknown;
}

/** The Cloudflare API and the signed download URL, replaced at the HTTP boundary. */
function cloudflareDouble(dumps: Record<string, string>, options: { failExport?: string } = {}) {
  const calls: Call[] = [];
  const ids = Object.fromEntries(Object.keys(dumps).map((name, i) => [name, `uuid-${i}`]));
  const polls: Record<string, number> = {};
  const fetchDouble = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = String(input);
    const method = init?.method ?? "GET";
    const auth = new Headers(init?.headers).get("Authorization");
    const body = typeof init?.body === "string" ? JSON.parse(init.body) : null;
    calls.push({ method, url, auth, body });
    const list = new URL(url);
    if (method === "GET" && url.startsWith(`${API}?`)) {
      const name = list.searchParams.get("name") ?? "";
      const result = ids[name] ? [{ uuid: ids[name], name }] : [];
      return Response.json({ success: true, errors: [], messages: [], result });
    }
    const exportMatch = /\/d1\/database\/([^/]+)\/export$/.exec(list.pathname);
    if (method === "POST" && exportMatch) {
      const uuid = exportMatch[1]!;
      const name = Object.keys(ids).find((n) => ids[n] === uuid)!;
      if (name === options.failExport) {
        const error = "D1 Export error: cannot export databases with Virtual Tables (fts5)";
        return Response.json({ success: true, errors: [], messages: [], result: { status: "error", error } });
      }
      polls[uuid] = (polls[uuid] ?? 0) + 1;
      if (polls[uuid] === 1) {
        return Response.json({
          success: true,
          errors: [],
          messages: [],
          result: { status: "active", at_bookmark: `bm-${uuid}` },
        });
      }
      return Response.json({
        success: true,
        errors: [],
        messages: [],
        result: {
          status: "complete",
          at_bookmark: `bm-${uuid}`,
          result: { filename: `${name}.sql`, signed_url: `https://signed.example/${uuid}.sql` },
        },
      });
    }
    if (method === "GET" && url.startsWith("https://signed.example/")) {
      const uuid = /\/([^/]+)\.sql$/.exec(url)![1]!;
      const name = Object.keys(ids).find((n) => ids[n] === uuid)!;
      return new Response(chunked(dumps[name]!));
    }
    return new Response("unexpected", { status: 599 });
  };
  return { fetch: fetchDouble as typeof fetch, calls };
}

/** One backup run of `databases` against the Cloudflare double `cf`, at `now` (the run's clock). */
const backUp = (databases: string[], cf: { fetch: typeof fetch }, now = NOW, options: { partBytes?: number } = {}) =>
  runD1Backup({ bucket: env.BACKUPS, config: config(databases), now, fetch: cf.fetch, pollIntervalMs: 0, ...options });

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function manifestAt(prefix: string): Promise<BackupManifest> {
  const obj = await env.BACKUPS.get(`${prefix}/manifest.json`);
  expect(obj).not.toBeNull();
  return (await obj!.json()) as BackupManifest;
}

describe("daily D1 backup to R2", () => {
  // 50 000 rows through a multipart upload: seconds of CPU on a busy machine, so not the 5 s default.
  it("exports every database through the REST API and stores byte-exact dumps with a manifest", {
    timeout: 120_000,
  }, async () => {
    // Bigger than one 5 MiB multipart part (the smallest R2 allows for a non-final part).
    const big = dumpOf(50_000);
    const small = dumpOf(3);
    const cf = cloudflareDouble({ "atomic-guide-analytics-production": big, "atomic-guide-chat-production": small });
    const manifest = await backUp(["atomic-guide-analytics-production", "atomic-guide-chat-production"], cf, NOW, {
      partBytes: 5 * 1024 * 1024,
    });
    expect(new TextEncoder().encode(big).byteLength).toBeGreaterThan(5 * 1024 * 1024);

    for (const [name, dump] of [
      ["atomic-guide-analytics-production", big],
      ["atomic-guide-chat-production", small],
    ] as const) {
      const stored = await env.BACKUPS.get(`d1/2026-11-24/${name}.sql`);
      expect(await stored!.text()).toBe(dump);
    }
    expect(manifest).toEqual(await manifestAt("d1/2026-11-24"));
    expect(manifest!.failures).toEqual([]);
    const analytics = manifest!.databases.find((d) => d.database === "atomic-guide-analytics-production")!;
    expect(analytics).toMatchObject({
      key: "d1/2026-11-24/atomic-guide-analytics-production.sql",
      bytes: new TextEncoder().encode(big).byteLength,
      sha256: await sha256Hex(big),
      tables: { d1_migrations: 1, learning_events: 50_000, empty_table: 0 },
      atBookmark: "bm-uuid-0",
    });

    // The API token goes to the API only; the export is started, then polled with its bookmark.
    const apiCalls = cf.calls.filter((c) => c.url.startsWith(API));
    expect(apiCalls.every((c) => c.auth === `Bearer ${TOKEN}`)).toBe(true);
    expect(cf.calls.filter((c) => c.url.startsWith("https://signed.example/")).every((c) => c.auth === null)).toBe(
      true,
    );
    const exportBodies = apiCalls.filter((c) => c.url === `${API}/uuid-0/export`).map((c) => c.body);
    expect(exportBodies).toEqual([
      { output_format: "polling" },
      { output_format: "polling", current_bookmark: "bm-uuid-0" },
    ]);
  });

  it("does nothing more on a second run the same day", async () => {
    const cf = cloudflareDouble({ "atomic-guide-analytics-production": dumpOf(1) });
    const again = await backUp(["atomic-guide-analytics-production"], cf);
    expect(again).toBeNull();
    expect(cf.calls).toEqual([]);
  });

  it("backs up the other databases when one export fails, records it, and reports failure", async () => {
    const day = new Date("2026-11-25T03:17:00.000Z");
    const cf = cloudflareDouble(
      { "atomic-guide-chat-staging": dumpOf(2), "atomic-guide-analytics-staging": dumpOf(4) },
      { failExport: "atomic-guide-chat-staging" },
    );
    await expect(
      backUp(["atomic-guide-chat-staging", "atomic-guide-analytics-staging", "atomic-guide-missing"], cf, day),
    ).rejects.toThrow(/atomic-guide-chat-staging, atomic-guide-missing failed/);
    const manifest = await manifestAt("d1/2026-11-25");
    expect(manifest.databases.map((d) => d.database)).toEqual(["atomic-guide-analytics-staging"]);
    expect(manifest.failures).toEqual([
      {
        database: "atomic-guide-chat-staging",
        error:
          "export failed: D1 Export error: cannot export databases with Virtual Tables (fts5) (D1 export refuses FTS5 databases; back this one up with the Back up D1 workflow, docs/operations.md)",
      },
      { database: "atomic-guide-missing", error: "no D1 database named atomic-guide-missing in this account" },
    ]);
    expect(await env.BACKUPS.head("d1/2026-11-25/atomic-guide-chat-staging.sql")).toBeNull();

    // A failed day is redone by the next run rather than skipped.
    const retry = cloudflareDouble({ "atomic-guide-analytics-staging": dumpOf(4) });
    const redone = await backUp(["atomic-guide-analytics-staging"], retry, day);
    expect(redone!.failures).toEqual([]);
  });

  it("prunes daily backups past retention and keeps recent and manual ones", async () => {
    for (const key of [
      "d1/2026-09-01/atomic-guide-chat-production.sql",
      "d1/2026-09-01/manifest.json",
      "d1/2026-10-28/atomic-guide-chat-production.sql",
      "d1-manual/2026-09-01T101010Z/atomic-guide-chat-production.sql",
    ]) {
      await env.BACKUPS.put(key, "-- old");
    }
    const cf = cloudflareDouble({ "atomic-guide-chat-production": dumpOf(1) });
    const manifest = await backUp(["atomic-guide-chat-production"], cf, new Date("2026-11-26T03:17:00.000Z"));
    expect(manifest!.pruned).toBe(2);
    expect(await env.BACKUPS.head("d1/2026-09-01/manifest.json")).toBeNull();
    expect(await env.BACKUPS.head("d1/2026-10-28/atomic-guide-chat-production.sql")).not.toBeNull();
    expect(await env.BACKUPS.head("d1-manual/2026-09-01T101010Z/atomic-guide-chat-production.sql")).not.toBeNull();
  });
});

describe("backup settings", () => {
  it("without settings (local development) the scheduled backup skips and writes nothing", async () => {
    const day = new Date("2026-12-01T03:17:00.000Z");
    expect(await dailyBackup(env, day)).toBeNull();
    expect(await env.BACKUPS.head("d1/2026-12-01/manifest.json")).toBeNull();
  });

  it("are refused with a reason when missing or malformed, so the cron skips instead of failing", () => {
    const missing = backupConfigFrom({ ENVIRONMENT: "development" });
    expect(missing.ok).toBe(false);
    const bad = backupConfigFrom({
      BACKUP_ACCOUNT_ID: "not-an-account",
      BACKUP_API_TOKEN: TOKEN,
      BACKUP_DATABASES: "Bad Name",
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toMatch(/BACKUP_ACCOUNT_ID.*BACKUP_DATABASES/s);
  });
});
