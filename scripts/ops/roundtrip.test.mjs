// Export -> wipe -> restore over every D1 service's database, offline, through the same scripts an
// operator runs (backup-now.mjs and restore-from-backup.mjs with --env local): real wrangler
// `d1 export` / `r2 object put|get` / `d1 execute` against local D1 and R2. Every row must come
// back exactly as it was. Takes a minute or two (about 40 wrangler invocations).
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { getPlatformProxy } from "wrangler";
import { D1_SERVICES } from "./lib.mjs";
import { binding, localD1Fixture, script as runScript } from "./local-d1-fixture.mjs";

const ROWS = 6;
let fixture;
let dir;
let config;

function script(name, ...args) {
  const r = runScript(name, ...args);
  assert.equal(r.code, 0, `${name} ${args.join(" ")}\n${r.out}`);
  return r.stdout;
}

async function withDatabases(fn) {
  const proxy = await getPlatformProxy({
    configPath: config,
    persist: { path: join(dir, ".wrangler", "state", "v3") },
  });
  try {
    return await fn(proxy.env);
  } finally {
    await proxy.dispose();
  }
}

/** Tables holding data: virtual tables (FTS5) count, their shadow tables (<name>_data...) do not. */
async function userTables(db) {
  const all = (
    await db
      .prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
      )
      .all()
  ).results;
  const virtual = all.filter((t) => /^CREATE VIRTUAL TABLE/i.test(t.sql)).map((t) => t.name);
  return all.filter((t) => !virtual.some((v) => t.name.startsWith(`${v}_`)));
}

/** Values that satisfy the schema: CHECK (col IN (...)) lists are honoured, text is awkward on purpose. */
function rowValues(columns, createSql, i) {
  return columns.map((col) => {
    const allowed = new RegExp(`CHECK\\s*\\(\\s*${col.name}\\s+IN\\s*\\(([^)]*)\\)`, "i").exec(createSql)?.[1];
    if (allowed) {
      const options = [...allowed.matchAll(/'([^']*)'/g)].map((m) => m[1]);
      return options[i % options.length];
    }
    const type = col.type.toUpperCase();
    if (type.includes("INT")) return i + 1;
    if (type.includes("REAL") || type.includes("FLOA") || type.includes("DOUB") || type.includes("NUM"))
      return (i + 1) / 8;
    return `${col.name}-${i} it's "quoted"\nsecond line ü 😀`;
  });
}

async function seed(db) {
  for (const { name, sql } of await userTables(db)) {
    if (name === "d1_migrations") continue;
    const columns = (await db.prepare(`PRAGMA table_info("${name}")`).all()).results;
    const marks = columns.map(() => "?").join(", ");
    for (let i = 0; i < ROWS; i++) {
      await db
        .prepare(`INSERT INTO "${name}" VALUES (${marks})`)
        .bind(...rowValues(columns, sql, i))
        .run();
    }
  }
}

async function snapshot(db) {
  const out = {};
  for (const { name } of await userTables(db)) {
    const rows = (await db.prepare(`SELECT * FROM "${name}"`).all()).results;
    out[name] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

describe("backup round trip over every D1 service's database", () => {
  before(() => {
    fixture = localD1Fixture("ops-roundtrip", 9);
    ({ dir, config } = fixture);
  });
  after(() => fixture.dispose());

  it("restores every row of every table exactly", { timeout: 600_000 }, async () => {
    fixture.migrate();
    const before = await withDatabases(async (env) => {
      const snap = {};
      for (const svc of D1_SERVICES) {
        await seed(env[binding(svc)]);
        snap[svc] = await snapshot(env[binding(svc)]);
      }
      return snap;
    });
    for (const svc of D1_SERVICES) {
      const seeded = Object.entries(before[svc]).filter(([t]) => t !== "d1_migrations");
      assert.ok(seeded.length > 0, `${svc} has tables`);
      for (const [table, rows] of seeded) assert.equal(rows.length, ROWS, `${svc}.${table} seeded`);
    }

    const backup = script("backup-now.mjs", "--env", "local", "--config", config);
    const prefix = /--prefix (d1-manual\/\S+)/.exec(backup)?.[1];
    assert.ok(prefix, backup);

    await withDatabases(async (env) => {
      for (const svc of D1_SERVICES) {
        const db = env[binding(svc)];
        for (const { name } of await userTables(db)) await db.prepare(`DROP TABLE IF EXISTS "${name}"`).run();
        assert.deepEqual(await snapshot(db), {});
      }
    });

    for (const svc of D1_SERVICES) {
      script(
        "restore-from-backup.mjs",
        "--env",
        "local",
        "--service",
        svc,
        "--config",
        config,
        "--prefix",
        prefix,
        "--yes",
      );
    }
    const afterRestore = await withDatabases(async (env) => {
      const snap = {};
      for (const svc of D1_SERVICES) snap[svc] = await snapshot(env[binding(svc)]);
      return snap;
    });
    assert.deepEqual(afterRestore, before);
  });
});
