// The restore drill against local D1 and R2: a backup of every service's migrated database
// (schemas and d1_migrations rows; roundtrip.test.mjs covers awkward row contents) restores
// into scratch databases with identical rows (passes), and a dump altered after the backup is
// caught (fails). Real wrangler, offline; a few minutes.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DEPLOY_ORDER, root } from "./lib.mjs";

const binding = (svc) => `DB_${svc.toUpperCase().replaceAll("-", "_")}`;
let dir;
let config;

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8" });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}
const wrangler = (...args) => {
  const r = run(join(root, "node_modules", ".bin", "wrangler"), args);
  assert.equal(r.code, 0, r.out);
  return r.out;
};
const script = (name, ...args) => run(process.execPath, [join(root, "scripts", "ops", name), ...args]);

describe("restore drill (local D1 and R2)", () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "ops-restore-drill-"));
    config = join(dir, "wrangler.jsonc");
    writeFileSync(
      config,
      JSON.stringify({
        name: "ops-restore-drill",
        compatibility_date: "2026-10-01",
        d1_databases: DEPLOY_ORDER.map((svc, i) => ({
          binding: binding(svc),
          database_name: `atomic-guide-${svc}`,
          database_id: `00000000-0000-4000-8000-00000000008${i}`,
          migrations_dir: join(root, "migrations", svc),
        })),
        r2_buckets: [{ binding: "BACKUPS", bucket_name: "atomic-guide-backups" }],
      }),
    );
    for (const svc of DEPLOY_ORDER)
      wrangler("d1", "migrations", "apply", `atomic-guide-${svc}`, "--local", "-c", config);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("restores the newest backup into scratch databases with identical rows, then catches a changed dump", {
    timeout: 900_000,
  }, () => {
    const backup = script("backup-now.mjs", "--env", "local", "--config", config);
    assert.equal(backup.code, 0, backup.out);
    const prefix = /--prefix (d1-manual\/\S+)/.exec(backup.out)?.[1];
    assert.ok(prefix, backup.out);

    // Without --prefix: the newest backup, found through d1-manual/latest.json.
    const drill = script("restore-drill.mjs", "--env", "local", "--config", config, "--kind", "manual");
    assert.equal(drill.code, 0, drill.out);
    assert.match(drill.out, new RegExp(`restore drill passed: ${prefix}`));
    for (const svc of DEPLOY_ORDER) assert.match(drill.out, new RegExp(`Drill atomic-guide-${svc}:`));

    // Change one row of one dump in R2 (same key): the drill must fail and say where.
    const key = `${prefix}/atomic-guide-lti-gateway.sql`;
    const file = join(dir, "dump.sql");
    wrangler("r2", "object", "get", `atomic-guide-backups/${key}`, "--local", "-c", config, "--file", file);
    const sql = readFileSync(file, "utf8");
    const changed = sql.replace(/^(INSERT INTO "d1_migrations".*?)'(\d{4})/m, "$1'9$2");
    assert.notEqual(changed, sql, "the dump has a migrations row to change");
    writeFileSync(file, changed);
    wrangler("r2", "object", "put", `atomic-guide-backups/${key}`, "--local", "-c", config, "--file", file);
    const broken = script("restore-drill.mjs", "--env", "local", "--config", config, "--prefix", prefix);
    assert.equal(broken.code, 1, broken.out);
    assert.match(broken.out, /atomic-guide-lti-gateway: dump SHA-256 .* is not the manifest's/);
  });
});
