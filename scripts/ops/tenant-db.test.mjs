// tenant-db.mjs: the dry-run plans of add, move and remove, the wrangler.jsonc edit, and the
// tables whose rows follow a tenant. Offline; nothing is executed.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseJsonc } from "./deploy-mode.mjs";
import { configPath, D1_SERVICES, root } from "./lib.mjs";
import { editBinding, tenantBinding, tenantDatabase } from "./tenant-db.mjs";
import { tenantTables } from "./tenant-tables.mjs";

function plan(...args) {
  const r = spawnSync(process.execPath, [join(root, "scripts", "ops", "tenant-db.mjs"), ...args, "--dry-run"], {
    encoding: "utf8",
  });
  const lines = r.stdout.split("\n");
  return {
    code: r.status,
    out: r.stdout,
    err: r.stderr,
    calls: lines.filter((l) => l.startsWith("    $ ")).map((l) => l.slice(6)),
  };
}
const at = (calls, fragment) => {
  const i = calls.findIndex((c) => c.includes(fragment));
  assert.notEqual(i, -1, `no call contains ${fragment}:\n${calls.join("\n")}`);
  return i;
};

describe("tenant-db.mjs add --dry-run", () => {
  const { code, out, calls } = plan("add", "acme-u", "--env", "production");

  it("creates, binds, migrates, deploys callees first, then points the tenant record, in that order", () => {
    assert.equal(code, 0, out);
    for (const s of D1_SERVICES) {
      const db = `atomic-guide-${s}-production-tenant-acme-u`;
      const created = at(calls, `wrangler d1 create ${db}`);
      const migrated = at(
        calls,
        `wrangler d1 migrations apply ${db} --remote -c services/${s}/wrangler.jsonc --env production`,
      );
      const deployed = at(calls, `wrangler deploy -c services/${s}/wrangler.jsonc --env production`);
      assert.ok(created < migrated && migrated < deployed, s);
      assert.match(
        out,
        new RegExp(`edit services/${s}/wrangler.jsonc: env.production.d1_databases \\+ .*"DB_TENANT_ACME_U"`),
      );
    }
    const order = D1_SERVICES.map((s) => at(calls, `wrangler deploy -c services/${s}/`));
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
    );
    const put = at(calls, "wrangler kv key put tenant:acme-u");
    assert.ok(put > order.at(-1), "the record switches only after every service can reach the database");
    assert.match(calls[put], /"d1Binding":"DB_TENANT_ACME_U"/);
    // The gateway has no D1: it gets no tenant database, binding or deploy.
    assert.ok(
      !calls.some((c) => c.includes("lti-gateway-production-tenant") || c.includes("deploy -c services/lti-gateway")),
    );
    // A new database is never asked for a Time Travel bookmark before it exists.
    assert.ok(!calls.some((c) => c.includes("time-travel")));
  });

  it("without --env covers every environment", () => {
    const both = plan("add", "acme-u");
    assert.equal(both.code, 0, both.out);
    at(both.calls, "wrangler d1 create atomic-guide-chat-staging-tenant-acme-u");
    at(both.calls, "wrangler d1 create atomic-guide-chat-production-tenant-acme-u");
  });

  it("refuses an unknown action or a missing tenant", () => {
    assert.equal(plan("rename", "acme").code, 2);
    assert.equal(plan("add").code, 2);
  });
});

describe("tenant-db.mjs move and remove --dry-run", () => {
  it("move copies every tenant table, switches, copies again, compares, then deletes from the shared DB", () => {
    const { code, out, calls } = plan("move", "acme-u", "--env", "staging");
    assert.equal(code, 0, out);
    const select = 'SELECT * FROM "learning_events" WHERE tenant_id = ';
    const copies = calls.filter((c) => c.includes("atomic-guide-analytics-staging ") && c.includes(select));
    assert.equal(copies.length, 2, "two copy passes");
    const put = at(calls, "wrangler kv key put tenant:acme-u");
    const firstCopy = calls.findIndex((c) => c.includes(select));
    const lastCopy = calls.findLastIndex((c) => c.includes(select));
    const del = at(calls, 'DELETE FROM "learning_events" WHERE tenant_id = ');
    assert.ok(firstCopy < put && put < lastCopy && lastCopy < del);
    assert.match(calls[del], /atomic-guide-analytics-staging /, "the rows are deleted from the shared database only");
  });

  it("remove copies back first, clears the record, unbinds, and keeps the databases", () => {
    const { code, out, calls } = plan("remove", "acme-u", "--env", "staging");
    assert.equal(code, 0, out);
    const copy = at(calls, `wrangler d1 execute atomic-guide-chat-staging-tenant-acme-u`);
    const put = at(calls, "wrangler kv key put tenant:acme-u");
    assert.ok(copy < put);
    assert.doesNotMatch(calls[put], /d1Binding/);
    assert.match(out, /env.staging.d1_databases - /);
    assert.ok(!calls.some((c) => c.includes("d1 delete")));
  });
});

describe("the pieces", () => {
  it("binding names satisfy the shared D1BindingNameSchema", () => {
    assert.equal(tenantBinding("acme-u"), "DB_TENANT_ACME_U");
    assert.equal(tenantBinding("Pilot.V:2"), "DB_TENANT_PILOT_V_2");
    assert.match(tenantBinding("x"), /^DB(_[A-Z0-9_]{1,60})?$/);
  });

  it("adds the binding to one environment of every real D1 config and removes it byte for byte", () => {
    for (const s of D1_SERVICES) {
      const text = readFileSync(join(root, configPath(s)), "utf8");
      const entry = {
        binding: "DB_TENANT_X",
        database_name: tenantDatabase(s, "production", "x"),
        migrations_dir: `../../migrations/${s}`,
      };
      const added = editBinding(text, "production", entry);
      const config = parseJsonc(added);
      assert.deepEqual(config.env.production.d1_databases.at(-1), entry, s);
      assert.deepEqual(config.env.staging.d1_databases, parseJsonc(text).env.staging.d1_databases, s);
      assert.equal(editBinding(added, "production", entry), added, "adding twice changes nothing");
      assert.equal(editBinding(added, "production", entry, { remove: true }), text, s);
    }
  });

  it("tenant tables come from the migrations: tenant_id columns, not FTS5 shadows", () => {
    assert.ok(tenantTables("analytics").includes("learning_events"));
    assert.ok(tenantTables("analytics").includes("audit_log"));
    // Operator request metrics stay shared: a move must neither copy nor delete them.
    assert.ok(!tenantTables("analytics").includes("request_samples"));
    assert.ok(!tenantTables("analytics").includes("request_rollups"));
    assert.ok(tenantTables("chat").includes("messages"));
    assert.ok(!tenantTables("chat").some((t) => /fts/i.test(t)));
    assert.ok(!tenantTables("chat").includes("d1_migrations"));
  });
});
