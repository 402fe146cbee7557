// The restore drill against local D1 and R2: a backup of every D1 service's migrated database
// (schemas and d1_migrations rows; roundtrip.test.mjs covers awkward row contents) restores
// into scratch databases with identical rows (passes), and a dump altered after the backup is
// caught (fails). Real wrangler, offline; a few minutes.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { D1_SERVICES } from "./lib.mjs";
import { localD1Fixture, script, wrangler } from "./local-d1-fixture.mjs";

let fixture;
let dir;
let config;

describe("restore drill (local D1 and R2)", () => {
  before(() => {
    fixture = localD1Fixture("ops-restore-drill", 8);
    ({ dir, config } = fixture);
    fixture.migrate();
  });
  after(() => fixture.dispose());

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
    for (const svc of D1_SERVICES) assert.match(drill.out, new RegExp(`Drill atomic-guide-${svc}:`));

    // Change one row of one dump in R2 (same key): the drill must fail and say where.
    const key = `${prefix}/atomic-guide-chat.sql`;
    const file = join(dir, "dump.sql");
    wrangler("r2", "object", "get", `atomic-guide-backups/${key}`, "--local", "-c", config, "--file", file);
    const sql = readFileSync(file, "utf8");
    const changed = sql.replace(/^(INSERT INTO "d1_migrations".*?)'(\d{4})/m, "$1'9$2");
    assert.notEqual(changed, sql, "the dump has a migrations row to change");
    writeFileSync(file, changed);
    wrangler("r2", "object", "put", `atomic-guide-backups/${key}`, "--local", "-c", config, "--file", file);
    const broken = script("restore-drill.mjs", "--env", "local", "--config", config, "--prefix", prefix);
    assert.equal(broken.code, 1, broken.out);
    assert.match(broken.out, /atomic-guide-chat: dump SHA-256 .* is not the manifest's/);
  });
});
