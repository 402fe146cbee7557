#!/usr/bin/env node
// D1 point-in-time recovery (Time Travel, 30 days on the paid plan):
//   bookmark  record the current bookmark (or the one for --timestamp) and save it
//   restore   restore a database IN PLACE to --bookmark or --timestamp, after a confirmation,
//             recording the undo bookmark first and printing it again at the end
// A service's tenant databases are found in its wrangler.jsonc: `bookmark` records every
// database the service binds, `restore` takes --tenant <id> for one tenant's database.
import {
  confirm,
  D1_SERVICES,
  databasesOf,
  Runner,
  runMain,
  saveBookmark,
  serviceCli,
  tenantDatabase,
  usageError,
} from "./lib.mjs";

const USAGE = `usage: time-travel.mjs bookmark --service <svc> --env <staging|production> [--tenant <id>] [--timestamp <RFC3339|unix>]
       time-travel.mjs restore  --service <svc> --env <staging|production> [--tenant <id>] (--bookmark <id> | --timestamp <t>) [--yes]
Both take --dry-run.`;

// Time Travel always acts on the remote database, so wrangler gets no --remote.
const {
  values,
  command,
  service,
  env,
  dryRun,
  cfg: flags,
} = serviceCli(USAGE, {
  commands: ["bookmark", "restore"],
  services: D1_SERVICES,
  options: { tenant: { type: "string" }, bookmark: { type: "string" }, timestamp: { type: "string" } },
});
const bound = await databasesOf(service, env);
const db = values.tenant ? tenantDatabase(service, env, values.tenant) : bound[0];
if (!bound.includes(db)) usageError(`${service} has no database ${db} in ${env} (bound: ${bound.join(", ")})`, USAGE);

async function bookmark() {
  const databases = values.tenant ? [db] : bound;
  const run = new Runner({ dryRun, total: databases.length });
  const at = values.timestamp ? ["--timestamp", values.timestamp] : [];
  const saved = [];
  for (const database of databases) {
    run.step(`Record a Time Travel bookmark for ${database}`);
    const info = await run.wrangler(["d1", "time-travel", "info", database, ...flags, ...at, "--json"], {
      json: true,
      placeholder: { bookmark: "<bookmark>" },
    });
    saved.push({ database, bookmark: info.bookmark });
    const tenant = database === bound[0] ? "" : ` --tenant ${database.split("-tenant-")[1]}`;
    run.note(
      `restore to it with: node scripts/ops/time-travel.mjs restore --service ${service} --env ${env}${tenant} --bookmark ${info.bookmark}`,
    );
  }
  if (!dryRun) {
    const file = saveBookmark(service, env, { ...saved[0], databases: saved, at: new Date().toISOString() });
    run.log(`    bookmarks saved to ${file}`);
  }
}

async function restore() {
  if (Boolean(values.bookmark) === Boolean(values.timestamp))
    usageError("give exactly one of --bookmark or --timestamp", USAGE);
  const to = values.bookmark ? ["--bookmark", values.bookmark] : ["--timestamp", values.timestamp];
  const run = new Runner({ dryRun, total: 2 });
  run.step(`Record the current bookmark of ${db} (the undo point)`);
  const now = await run.wrangler(["d1", "time-travel", "info", db, ...flags, "--json"], {
    json: true,
    placeholder: { bookmark: "<undo-bookmark>" },
  });
  run.log(`    undo bookmark: ${now.bookmark}`);
  const question = `Restore ${db} in place to ${to.join(" ")}? Every write after that point is discarded and in-flight queries are cancelled.`;
  if (!(await confirm(question, { yes: values.yes, dryRun }))) {
    run.log("cancelled; nothing changed");
    return;
  }
  run.step(`Restore ${db} to ${to[1]}`);
  // --json skips wrangler's own prompt: the confirmation above is the one that counts.
  const result = await run.wrangler(["d1", "time-travel", "restore", db, ...flags, ...to, "--json"], {
    json: true,
    placeholder: { previous_bookmark: "<undo-bookmark>" },
  });
  run.note(
    `to undo: node scripts/ops/time-travel.mjs restore --service ${service} --env ${env} --bookmark ${result.previous_bookmark ?? now.bookmark}`,
  );
  run.watch("Time Travel allows 10 restores per 10 minutes per database; pinned tenants and flags (KV) are untouched");
}

runMain(command === "bookmark" ? bookmark : restore);
