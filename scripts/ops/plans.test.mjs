// The operator scripts' dry-run plans: the exact wrangler and API calls, in the right order.
// Run with `node --test scripts/ops/` (offline; nothing is executed).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { affectedServices } from "./affected.mjs";
import { countDumpRows, root } from "./lib.mjs";
import { dataTables, literal, pagedDump } from "./sql-dump.mjs";

const VERSION = "5f0c3e0a-8d7e-4c1b-9a51-2f0e6f4f8a10";

function dry(script, ...args) {
  const r = spawnSync(process.execPath, [join(root, "scripts", "ops", script), ...args, "--dry-run"], {
    encoding: "utf8",
    env: { ...process.env, GATEWAY_URL: "https://guide.example.edu", ADMIN_TOKEN: "" },
  });
  return {
    code: r.status,
    out: r.stdout,
    err: r.stderr,
    calls: r.stdout
      .split("\n")
      .filter((l) => l.startsWith("    $ "))
      .map((l) => l.slice(6)),
  };
}

/** deploy-service.mjs's dry-run plan for one service in staging (tag `t`), with more flags. */
const deployPlan = (service, ...more) =>
  dry("deploy-service.mjs", "--service", service, "--env", "staging", "--tag", "t", ...more);

const indexOf = (calls, fragment) => {
  const i = calls.findIndex((c) => c.includes(fragment));
  assert.notEqual(i, -1, `no call contains ${fragment}:\n${calls.join("\n")}`);
  return i;
};

describe("affected services (the deploy workflow's plan)", () => {
  it("a change inside one service deploys that service alone", () => {
    assert.deepEqual(affectedServices(["services/chat/src/routes/message.ts"]), ["chat"]);
    assert.deepEqual(affectedServices(["services/lti-gateway/wrangler.jsonc"]), ["lti-gateway"]);
  });
  it("a service's migrations count for that service", () => {
    assert.deepEqual(affectedServices(["migrations/struggle-detector/0002_add_col.sql"]), ["struggle-detector"]);
  });
  it("shared code and the lockfile deploy all four, callees first", () => {
    const all = ["analytics", "chat", "struggle-detector", "lti-gateway"];
    assert.deepEqual(affectedServices(["packages/shared/src/db.ts"]), all);
    assert.deepEqual(affectedServices(["pnpm-lock.yaml"]), all);
  });
  it("two services deploy in dependency order whatever the file order", () => {
    assert.deepEqual(affectedServices(["services/lti-gateway/src/index.ts", "services/analytics/src/index.ts"]), [
      "analytics",
      "lti-gateway",
    ]);
  });
  it("docs, tests and CI changes deploy nothing; the web app deploys the gateway", () => {
    assert.deepEqual(
      affectedServices(["docs/operations.md", "tests/integration/x.test.ts", ".github/workflows/ci.yml"]),
      [],
    );
    assert.deepEqual(affectedServices(["apps/web/src/main.ts"]), ["lti-gateway"]);
  });
  it("the CLI prints the plan as JSON", () => {
    const r = spawnSync(
      process.execPath,
      [join(root, "scripts/ops/affected.mjs"), "--files", "services/chat/src/a.ts,docs/x.md"],
      {
        encoding: "utf8",
      },
    );
    assert.deepEqual(JSON.parse(r.stdout).services, ["chat"]);
  });
});

describe("deploy-service --dry-run", () => {
  it("bookmarks, migrates, uploads, then shifts production traffic 10 -> 50 -> 100", () => {
    const { code, calls } = dry("deploy-service.mjs", "--service", "chat", "--env", "production", "--tag", "abc123");
    assert.equal(code, 0);
    const cfg = "-c services/chat/wrangler.jsonc --env production";
    assert.deepEqual(calls, [
      // Only databases that exist get a bookmark (a new tenant database has no history yet).
      "wrangler d1 list --json",
      `wrangler d1 time-travel info atomic-guide-chat-production ${cfg} --json`,
      `wrangler d1 migrations apply atomic-guide-chat-production --remote ${cfg}`,
      `wrangler versions upload ${cfg} --tag abc123 --message 'deploy abc123'`,
      `wrangler deployments status ${cfg} --json`,
      `wrangler versions deploy <new-version-id>@10 <current-version-id>@90 ${cfg} -y --message 'abc123 at 10%'`,
      `wrangler versions deploy <new-version-id>@50 <current-version-id>@50 ${cfg} -y --message 'abc123 at 50%'`,
      `wrangler versions deploy <new-version-id>@100 ${cfg} -y --message 'abc123 at 100%'`,
    ]);
  });
  it("goes straight to 100% in staging and prints the undo command for the migrations", () => {
    const { out, calls } = dry("deploy-service.mjs", "--service", "analytics", "--env", "staging", "--tag", "s1");
    assert.equal(calls.filter((c) => c.startsWith("wrangler versions deploy")).length, 1);
    assert.match(out, /wrangler d1 time-travel restore atomic-guide-analytics-staging .* --bookmark=<bookmark>/);
  });
  it("a first deploy creates the Worker (provisioning D1/KV/R2) before migrating", () => {
    const { calls } = deployPlan("chat", "--first-deploy");
    assert.ok(indexOf(calls, "wrangler deploy -c services/chat") < indexOf(calls, "d1 migrations apply"));
    assert.equal(
      calls.some((c) => c.includes("time-travel")),
      false,
    );
  });
  it("deploys the gateway, which has no D1, without a bookmark or migrations", () => {
    const { code, out, calls } = deployPlan("lti-gateway");
    assert.equal(code, 0, out);
    assert.equal(
      calls.some((c) => c.startsWith("wrangler d1 ")),
      false,
    );
    assert.match(out, /No D1 database to migrate \(lti-gateway has none\)/);
    indexOf(calls, "wrangler versions upload -c services/lti-gateway/wrangler.jsonc --env staging");
  });
  it("backups, Time Travel and restores refuse the gateway: it has no database", () => {
    assert.equal(dry("time-travel.mjs", "bookmark", "--service", "lti-gateway", "--env", "staging").code, 2);
    assert.equal(dry("backup-now.mjs", "--env", "staging", "--services", "lti-gateway").code, 2);
    const backup = dry("backup-now.mjs", "--env", "staging");
    assert.equal(backup.code, 0, backup.err);
    assert.equal(
      backup.calls.some((c) => c.includes("lti-gateway")),
      false,
    );
  });
  it("refuses steps that do not end at 100", () => {
    const { code, err } = deployPlan("chat", "--steps", "10,50");
    assert.equal(code, 2);
    assert.match(err, /ending at 100/);
  });
});

describe("rollout --dry-run", () => {
  const base = ["--service", "chat", "--env", "production", "--version", VERSION];
  it("start deploys the candidate at 0% beside the serving version", () => {
    const { calls } = dry("rollout.mjs", "start", ...base);
    assert.ok(calls.some((c) => c.startsWith(`wrangler versions deploy ${VERSION}@0 <current-version-id>@100 `)));
  });
  it("pin writes the rollout record for the named tenants", () => {
    const { calls } = dry("rollout.mjs", "pin", ...base, "--tenants", "pilot-u,pilot-v");
    assert.deepEqual(calls, [
      `curl -fsS -X PUT https://guide.example.edu/admin/rollout/chat -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' -d '{"candidateVersionId":"${VERSION}","tenants":["pilot-u","pilot-v"],"percentage":0}'`,
    ]);
  });
  it("widen splits traffic and records the percentage", () => {
    const { calls } = dry("rollout.mjs", "widen", ...base, "--percent", "25");
    assert.ok(indexOf(calls, `${VERSION}@25 <current-version-id>@75`) < indexOf(calls, "-X PUT"));
  });
  it("promote sends 100% and clears the pins", () => {
    const { calls } = dry("rollout.mjs", "promote", ...base);
    assert.ok(
      indexOf(calls, `${VERSION}@100`) < indexOf(calls, "-X DELETE https://guide.example.edu/admin/rollout/chat"),
    );
  });
  it("refuses to pin tenants of the gateway itself, and a version that is not an id", () => {
    assert.equal(
      dry("rollout.mjs", "pin", "--service", "lti-gateway", "--env", "staging", "--version", VERSION, "--tenants", "a")
        .code,
      2,
    );
    assert.equal(dry("rollout.mjs", "start", "--service", "chat", "--env", "staging", "--version", "latest").code, 2);
  });
});

describe("rollback --dry-run", () => {
  it("rolls the code back, clears the pins, and prints (never runs) the D1 restore", () => {
    const { out, calls } = dry("rollback.mjs", "--service", "chat", "--env", "production", "--reason", "errors up");
    assert.deepEqual(calls, [
      "wrangler rollback -c services/chat/wrangler.jsonc --env production -m 'errors up' -y",
      `curl -fsS -X DELETE https://guide.example.edu/admin/rollout/chat -H "Authorization: Bearer $ADMIN_TOKEN"`,
    ]);
    assert.match(out, /D1 is not rolled back/);
    assert.match(out, /wrangler d1 time-travel restore atomic-guide-chat-production /);
  });
  it("rolls the gateway back with no D1 restore to print: it has no database", () => {
    const { code, out } = dry("rollback.mjs", "--service", "lti-gateway", "--env", "production");
    assert.equal(code, 0, out);
    assert.match(out, /wrangler rollback -c services\/lti-gateway\/wrangler.jsonc --env production/);
    assert.doesNotMatch(out, /time-travel|D1 is not rolled back/);
  });
});

describe("time-travel --dry-run", () => {
  it("restore records the undo bookmark before restoring, and says how to undo", () => {
    const { out, calls } = dry(
      "time-travel.mjs",
      "restore",
      "--service",
      "struggle-detector",
      "--env",
      "production",
      "--timestamp",
      "2026-11-24T10:00:00Z",
    );
    const cfg = "-c services/struggle-detector/wrangler.jsonc --env production";
    assert.deepEqual(calls, [
      `wrangler d1 time-travel info atomic-guide-struggle-detector-production ${cfg} --json`,
      `wrangler d1 time-travel restore atomic-guide-struggle-detector-production ${cfg} --timestamp 2026-11-24T10:00:00Z --json`,
    ]);
    assert.match(out, /to undo: .*--bookmark <undo-bookmark>/);
  });
  it("needs exactly one restore point", () => {
    assert.equal(dry("time-travel.mjs", "restore", "--service", "chat", "--env", "staging").code, 2);
  });
});

describe("backups --dry-run", () => {
  it("backup-now exports each database and stores dump and manifest under d1-manual/", () => {
    const { calls } = dry("backup-now.mjs", "--env", "production");
    // analytics, chat and struggle-detector: the gateway has no D1.
    assert.equal(calls.filter((c) => c.startsWith("wrangler d1 export")).length, 3);
    assert.ok(calls.every((c) => !c.startsWith("wrangler d1 export") || c.includes("--remote")));
    assert.match(
      calls.at(-2),
      /^wrangler r2 object put atomic-guide-backups-production\/d1-manual\/[\dTZ-]+\/manifest\.json /,
    );
    // Last, the pointer the restore drill starts from.
    assert.match(calls.at(-1), /^wrangler r2 object put atomic-guide-backups-production\/d1-manual\/latest\.json /);
  });
  it("restore downloads, bookmarks, drops, loads, then compares counts", () => {
    const { calls } = dry(
      "restore-from-backup.mjs",
      "--env",
      "staging",
      "--service",
      "chat",
      "--prefix",
      "d1/2026-11-24",
    );
    const order = [
      "r2 object get",
      "time-travel info",
      "DROP TABLE",
      "--env staging --file .tmp/restore/staging/d1_2026-11-24/atomic-guide-chat-staging.sql --yes",
      "COUNT(*) AS n",
    ].map((f) => indexOf(calls, f));
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
    );
  });
});

describe("countDumpRows", () => {
  it("counts rows per table, empty tables included, SQLite's own left out", () => {
    const sql = [
      'CREATE TABLE "a"(x);',
      "CREATE TABLE b (y);",
      `INSERT INTO "a" ("x") VALUES('one');`,
      `INSERT INTO "a" ("x") VALUES(replace('two\\nlines','\\n',char(10)));`,
      `INSERT INTO "sqlite_sequence" ("name","seq") VALUES('a',2);`,
    ].join("\n");
    assert.deepEqual(countDumpRows(sql), { a: 2, b: 0 });
  });
});

describe("deploy workflows", () => {
  it("gate every service's deploy job on the computed plan and keep callees before callers", () => {
    const wf = readFileSync(join(root, ".github/workflows/deploy-staging.yml"), "utf8");
    assert.match(wf, /node scripts\/ops\/affected\.mjs/);
    for (const s of ["analytics", "chat", "struggle-detector", "lti-gateway"]) {
      assert.match(wf, new RegExp(`contains\\(fromJSON\\(needs\\.plan\\.outputs\\.services\\), '${s}'\\)`));
    }
  });
});

describe("paged SQL dump (databases D1 export refuses)", () => {
  it("writes literals that read back exactly, one row per line", () => {
    assert.equal(literal(null), "NULL");
    assert.equal(literal(0.125), "0.125");
    assert.equal(literal("it's"), "'it''s'");
    assert.equal(literal("a\nb\r\n"), "'a' || char(10) || 'b' || char(13) || char(10)");
    assert.equal(literal(""), "''");
    assert.equal(literal([0, 255]), "X'00ff'");
  });

  it("keeps virtual tables, skips their shadow tables, and pages until a short page", async () => {
    const schema = [
      { type: "table", name: "faq_entries", sql: "CREATE TABLE faq_entries (q TEXT)" },
      { type: "table", name: "faq_fts", sql: "CREATE VIRTUAL TABLE faq_fts USING fts5(q)" },
      { type: "table", name: "faq_fts_data", sql: "CREATE TABLE 'faq_fts_data'(id INTEGER PRIMARY KEY, block BLOB)" },
      { type: "index", name: "idx_q", sql: "CREATE INDEX idx_q ON faq_entries (q)" },
    ];
    assert.deepEqual(
      dataTables(schema).map((t) => t.name),
      ["faq_entries", "faq_fts"],
    );
    const rows = Array.from({ length: 1001 }, (_, i) => ({ __rowid__: i + 1, q: `q${i}` }));
    const queries = [];
    const query = async (sql) => {
      queries.push(sql);
      if (sql.startsWith("SELECT type, name, sql")) return [{ results: schema }];
      return sql.split("; ").map((statement) => {
        const after = Number(/rowid > (\d+)/.exec(statement)[1]);
        const source = statement.includes('"faq_fts"') ? rows.slice(0, 2) : rows;
        return { results: source.filter((r) => r.__rowid__ > after).slice(0, 1000) };
      });
    };
    const dump = await pagedDump(query);
    assert.equal(queries.length, 3, "schema, a page of both tables, the last page of the long one");
    assert.deepEqual(countDumpRows(dump), { faq_entries: 1001, faq_fts: 2 });
    assert.match(dump, /^CREATE VIRTUAL TABLE faq_fts USING fts5\(q\);$/m);
    assert.match(dump, /^INSERT INTO "faq_fts" \(rowid, "q"\) VALUES\(2,'q1'\);$/m);
    assert.doesNotMatch(dump, /faq_fts_data/);
    assert.ok(dump.trimEnd().endsWith("CREATE INDEX idx_q ON faq_entries (q);"));
  });
});

describe("backup-now without the account's secrets", () => {
  it("fails loudly (exit 1, naming what is missing) instead of reporting a backup it did not make", () => {
    const env = { ...process.env };
    delete env.CLOUDFLARE_API_TOKEN;
    delete env.CLOUDFLARE_ACCOUNT_ID;
    const r = spawnSync(process.execPath, [join(root, "scripts", "ops", "backup-now.mjs"), "--env", "production"], {
      encoding: "utf8",
      env,
    });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID must be set/);
  });
});
