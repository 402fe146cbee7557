#!/usr/bin/env node
// D1 point-in-time recovery (Time Travel, 30 days on the paid plan):
//   bookmark  record the current bookmark (or the one for --timestamp) and save it
//   restore   restore a database IN PLACE to --bookmark or --timestamp, after a confirmation,
//             recording the undo bookmark first and printing it again at the end
import {
  confirm,
  DEPLOY_ORDER,
  ENVIRONMENTS,
  parseCli,
  Runner,
  requireOneOf,
  runMain,
  saveBookmark,
  target,
  usageError,
} from "./lib.mjs";

const USAGE = `usage: time-travel.mjs bookmark --service <svc> --env <staging|production> [--timestamp <RFC3339|unix>]
       time-travel.mjs restore  --service <svc> --env <staging|production> (--bookmark <id> | --timestamp <t>) [--yes]
Both take --dry-run.`;

const { values, positionals } = parseCli(
  { service: { type: "string" }, env: { type: "string" }, bookmark: { type: "string" }, timestamp: { type: "string" } },
  USAGE,
);
const command = requireOneOf(positionals[0], ["bookmark", "restore"], "the subcommand", USAGE);
const service = requireOneOf(values.service, DEPLOY_ORDER, "--service", USAGE);
const env = requireOneOf(values.env, ENVIRONMENTS, "--env", USAGE);
const dryRun = Boolean(values["dry-run"]);
const { db, d1 } = target({ service, env });
const flags = d1.filter((f) => f !== "--remote"); // time-travel always acts on the remote database

async function bookmark() {
  const run = new Runner({ dryRun, total: 1 });
  run.step(`Record a Time Travel bookmark for ${db}`);
  const at = values.timestamp ? ["--timestamp", values.timestamp] : [];
  const info = await run.wrangler(["d1", "time-travel", "info", db, ...flags, ...at, "--json"], {
    json: true,
    placeholder: { bookmark: "<bookmark>" },
  });
  if (!dryRun)
    run.log(
      `    bookmark ${info.bookmark} saved to ${saveBookmark(service, env, { bookmark: info.bookmark, at: new Date().toISOString(), database: db })}`,
    );
  run.note(
    `restore to it with: node scripts/ops/time-travel.mjs restore --service ${service} --env ${env} --bookmark ${info.bookmark}`,
  );
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
