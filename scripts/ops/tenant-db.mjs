#!/usr/bin/env node
// A tenant's own D1 databases, as one operator command:
//   add    <tenant>  create one D1 per service that has D1 (not the gateway), bind it as
//                    DB_TENANT_<X> in that service's wrangler.jsonc (each environment asked
//                    for), regenerate types, migrate, deploy those services in order (a new
//                    binding: wrangler deploy), set the tenant record (gateway KV);
//   move   <tenant>  add, then copy the tenant's rows from each shared DB, switch the record,
//                    copy again (writes that reached the old DB while KV propagated), compare
//                    counts, then delete the tenant's rows from the shared DBs;
//   remove <tenant>  the reverse: copy back, clear the record, unbind, deploy; the databases
//                    are kept (delete them by hand after the next backup).
// Every step is a wrangler call or a file edit; --dry-run prints the whole plan and runs nothing.
//   node scripts/ops/tenant-db.mjs add acme --env production --dry-run
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  configPath,
  D1_SERVICES,
  databaseName,
  ENVIRONMENTS,
  parseCli,
  Runner,
  requireOneOf,
  root,
  runMain,
  tenantBinding,
  tenantDatabase,
  usageError,
} from "./lib.mjs";
import { ident, literal } from "./sql-dump.mjs";

export { tenantBinding, tenantDatabase };

import { tenantTables } from "./tenant-tables.mjs";

const USAGE = `usage: tenant-db.mjs <add|move|remove> <tenant id> [--env <staging|production|all>] [--dry-run] [--yes]`;
const ACTIONS = ["add", "move", "remove"];

/**
 * Adds (or removes) the tenant's D1 binding in one environment of a wrangler.jsonc, as text so
 * comments and layout stay: the entry goes after the environment's shared `DB` entry.
 */
export function editBinding(text, env, entry, { remove = false } = {}) {
  const lines = text.split("\n");
  const envStart = lines.findIndex((l) => new RegExp(`^\\s*"${env}": \\{`).test(l));
  if (envStart < 0) throw new Error(`no "${env}" environment in the config`);
  const present = lines.findIndex((l, i) => i > envStart && l.includes(`"binding": "${entry.binding}"`));
  if (remove) {
    if (present < 0) return text;
    lines.splice(present, 1);
    // The entry before it is the last again: drop the comma the add put there.
    if (lines[present]?.trimStart().startsWith("]")) lines[present - 1] = lines[present - 1].replace(/,\s*$/, "");
    return lines.join("\n");
  }
  if (present >= 0) return text;
  const dbLine = lines.findIndex((l, i) => i > envStart && /"database_name": "[^"]+"/.test(l));
  if (dbLine < 0) throw new Error(`no D1 database in the "${env}" environment`);
  // The shared DB entry may span lines: the new one goes after the line closing it, indented alike.
  let close = dbLine;
  while (!/\}\s*,?\s*$/.test(lines[close])) close++;
  let open = dbLine;
  while (!lines[open].trimStart().startsWith("{")) open--;
  if (!lines[close].trimEnd().endsWith(",")) lines[close] = `${lines[close].trimEnd()},`;
  const pad = lines[open].match(/^\s*/)[0];
  const json = Object.entries(entry)
    .map(([k, v]) => `"${k}": ${JSON.stringify(v)}`)
    .join(", ");
  lines.splice(close + 1, 0, `${pad}{ ${json} }`);
  return lines.join("\n");
}

function migrationsDir(service) {
  return `../../migrations/${service}`;
}

async function main() {
  const { values, positionals } = parseCli({ env: { type: "string" } }, USAGE);
  const [action, tenantId] = positionals;
  requireOneOf(action, ACTIONS, "action", USAGE);
  if (!tenantId || !/^[A-Za-z0-9._:-]{1,128}$/.test(tenantId)) usageError("give a tenant id", USAGE);
  const envs =
    !values.env || values.env === "all" ? ENVIRONMENTS : [requireOneOf(values.env, ENVIRONMENTS, "--env", USAGE)];
  const dryRun = Boolean(values["dry-run"]);
  const binding = tenantBinding(tenantId);
  const tables = Object.fromEntries(D1_SERVICES.map((s) => [s, tenantTables(s)]));
  const copySteps = action === "add" ? 0 : 4;
  const total = envs.length * (action === "remove" ? 5 : 5 + copySteps) + 1;
  const run = new Runner({ dryRun, total });
  const cfg = (s, env) => ["-c", configPath(s), "--env", env];

  const editConfigs = (env, remove) => {
    run.step(
      `${remove ? "Unbind" : "Bind"} ${binding} in each D1 service's wrangler.jsonc (${env}) and regenerate types`,
    );
    for (const s of D1_SERVICES) {
      const entry = { binding, database_name: tenantDatabase(s, env, tenantId), migrations_dir: migrationsDir(s) };
      run.log(`    edit ${configPath(s)}: env.${env}.d1_databases ${remove ? "-" : "+"} ${JSON.stringify(entry)}`);
      if (!dryRun) {
        const file = join(root, configPath(s));
        writeFileSync(file, editBinding(readFileSync(file, "utf8"), env, entry, { remove }));
      }
      run.log(`    $ node scripts/gen-types.mjs ${s}`);
      if (!dryRun) execFileSync(process.execPath, ["scripts/gen-types.mjs", s], { stdio: "inherit" });
    }
    run.note(
      "commit the wrangler.jsonc and worker-configuration.d.ts changes: the next deploy from CI must keep the binding",
    );
  };

  const deployAll = async (env, why) => {
    run.step(
      `Deploy every service with D1 to ${env}, callees first (${why}: bindings change with wrangler deploy, not a version upload)`,
    );
    for (const s of D1_SERVICES)
      await run.wrangler(["deploy", ...cfg(s, env), "--message", `${action} tenant database ${tenantId}`]);
  };

  const setRecord = async (env, d1Binding) => {
    run.step(
      `${d1Binding ? "Point" : "Return"} the tenant record at ${d1Binding ?? "the shared DB"} (KV PLATFORMS, tenant:${tenantId})`,
    );
    const kv = ["--binding", "PLATFORMS", ...cfg("lti-gateway", env), "--remote"];
    const current = await run.wrangler(["kv", "key", "get", `tenant:${tenantId}`, ...kv, "--text"], {
      placeholder: JSON.stringify({ tenantId, name: "<name>", createdAt: "<createdAt>" }),
    });
    const record = JSON.parse(typeof current === "string" && current.trim() ? current : "null");
    if (!record) throw new Error(`tenant ${tenantId} has no record in ${env}: register its platform first`);
    const next = { ...record };
    if (d1Binding) next.d1Binding = d1Binding;
    else delete next.d1Binding;
    await run.wrangler(["kv", "key", "put", `tenant:${tenantId}`, JSON.stringify(next), ...kv]);
    run.watch("KV takes up to a minute to reach every location; services read the record per request");
  };

  const copyRows = async (env, from, to, label) => {
    run.step(`Copy ${tenantId}'s rows ${label} (INSERT OR IGNORE: a second pass adds only what is new)`);
    for (const s of D1_SERVICES) {
      for (const table of tables[s]) {
        const out = await run.wrangler(
          [
            "d1",
            "execute",
            from(s),
            ...cfg(s, env),
            "--remote",
            "--json",
            "--command",
            `SELECT * FROM ${ident(table)} WHERE tenant_id = ${literal(tenantId)}`,
          ],
          { json: true, placeholder: [{ results: [] }] },
        );
        const rows = out?.[0]?.results ?? [];
        if (rows.length === 0) continue;
        const file = join(".tmp", "ops", "tenant-db", `${env}-${s}-${table}.sql`);
        const sql = rows.map(
          (r) =>
            `INSERT OR IGNORE INTO ${ident(table)} (${Object.keys(r).map(ident).join(", ")}) VALUES (${Object.values(r).map(literal).join(", ")});`,
        );
        mkdirSync(join(".tmp", "ops", "tenant-db"), { recursive: true });
        writeFileSync(file, `${sql.join("\n")}\n`);
        await run.wrangler(["d1", "execute", to(s), ...cfg(s, env), "--remote", "--file", file]);
      }
    }
  };

  const deleteRows = async (env, db, label) => {
    run.step(`Delete ${tenantId}'s rows from ${label} (after the counts matched)`);
    for (const s of D1_SERVICES) {
      const statements = tables[s]
        .map((t) => `DELETE FROM ${ident(t)} WHERE tenant_id = ${literal(tenantId)};`)
        .join(" ");
      if (statements) await run.wrangler(["d1", "execute", db(s), ...cfg(s, env), "--remote", "--command", statements]);
    }
  };

  const compareCounts = async (env, a, b) => {
    run.step(`Compare ${tenantId}'s row counts, table by table, in both databases`);
    for (const s of D1_SERVICES) {
      if (tables[s].length === 0) continue;
      const q = tables[s]
        .map((t) => `SELECT '${t}' AS t, COUNT(*) AS n FROM ${ident(t)} WHERE tenant_id = ${literal(tenantId)}`)
        .join(" UNION ALL ");
      const [x, y] = [
        await run.wrangler(["d1", "execute", a(s), ...cfg(s, env), "--remote", "--json", "--command", q], {
          json: true,
          placeholder: [{ results: [] }],
        }),
        await run.wrangler(["d1", "execute", b(s), ...cfg(s, env), "--remote", "--json", "--command", q], {
          json: true,
          placeholder: [{ results: [] }],
        }),
      ];
      const counts = (o) => JSON.stringify(o?.[0]?.results ?? []);
      if (counts(x) !== counts(y))
        throw new Error(`${s}: row counts differ after the copy: ${counts(x)} vs ${counts(y)}`);
    }
  };

  const shared = (env) => (s) => databaseName(s, env);
  const own = (env) => (s) => tenantDatabase(s, env, tenantId);

  for (const env of envs) {
    if (action === "remove") {
      await copyRows(env, own(env), shared(env), `from its own databases back to the shared ones (${env})`);
      await compareCounts(env, own(env), shared(env));
      await setRecord(env, undefined);
      editConfigs(env, true);
      await deployAll(env, "binding removed");
      continue;
    }
    run.step(`Create the tenant's D1 databases in ${env}`);
    for (const s of D1_SERVICES) await run.wrangler(["d1", "create", tenantDatabase(s, env, tenantId)]);
    editConfigs(env, false);
    run.step(`Apply every service's migrations to the new databases (${env})`);
    for (const s of D1_SERVICES)
      await run.wrangler(["d1", "migrations", "apply", tenantDatabase(s, env, tenantId), "--remote", ...cfg(s, env)]);
    await deployAll(env, "new binding");
    if (action === "move") {
      await copyRows(env, shared(env), own(env), `from the shared databases (${env})`);
      await setRecord(env, binding);
      await run.pause(90, "let the switched tenant record reach every location before the second copy");
      await copyRows(
        env,
        shared(env),
        own(env),
        `again: writes that reached the shared DB while KV propagated (${env})`,
      );
      await compareCounts(env, shared(env), own(env));
      await deleteRows(env, shared(env), `the shared databases (${env})`);
    } else {
      await setRecord(env, binding);
    }
  }
  run.step("After");
  run.note("backups, Time Travel and restores find tenant databases in the configs (no list to edit)");
  if (action === "remove")
    run.note(`the tenant's databases are kept; after the next backup: wrangler d1 delete <name>`);
}

if (import.meta.url === `file://${process.argv[1]}`) runMain(main);
