#!/usr/bin/env node
// Rolls one service back to a previous version at 100% and clears its pilot pins. Code only:
// D1 is NOT rolled back (migrations are expand-only, so the old code runs on the new schema).
// If data must go back too, the Time Travel restore command is printed, never run from here.
import { confirm, databaseName, loadBookmark, ownsD1, Runner, runMain, serviceCli } from "./lib.mjs";

const USAGE = `usage: rollback.mjs --service <svc> --env <staging|production> [--version <id>] [--reason <text>]
  [--gateway <url>] [--yes] [--dry-run]
Without --version, wrangler picks the previous stable version. ADMIN_TOKEN clears the rollout pins.`;

const { values, service, env, dryRun, cfg, worker, gateway } = serviceCli(USAGE, {
  gateway: true,
  options: { version: { type: "string" }, reason: { type: "string" } },
});
const reason = values.reason ?? "rollback";
const pinnable = service !== "lti-gateway";

async function main() {
  const target = values.version ?? "the previous stable version";
  if (!(await confirm(`Roll ${worker} back to ${target}?`, { yes: values.yes, dryRun }))) {
    console.log("cancelled; nothing changed");
    return;
  }
  const run = new Runner({ dryRun, total: pinnable && gateway ? 2 : 1 });
  run.step(`Roll ${worker} back to ${target} at 100%`);
  await run.wrangler(["rollback", ...(values.version ? [values.version] : []), ...cfg, "-m", reason, "-y"]);
  run.watch("wrangler refuses if a Durable Object migration or a removed binding lies in between");
  if (pinnable && gateway) {
    run.step("Clear the rollout record so pinned tenants follow the deployment again");
    await run.admin("DELETE", `${gateway}/admin/rollout/${service}`);
  } else if (pinnable) {
    run.note(`no --gateway/GATEWAY_URL: clear pins by hand with DELETE /admin/rollout/${service}`);
  }
  if (!ownsD1(service)) return;
  const db = databaseName(service, env);
  const saved = loadBookmark(service, env);
  run.note("D1 is not rolled back. Only if the data itself must go back (this undoes every write since):");
  run.log(
    `    wrangler d1 time-travel restore ${db} ${cfg.join(" ")} --bookmark=${saved?.bookmark ?? "<bookmark recorded before the deploy's migrations>"}`,
  );
  if (saved) run.log(`    (bookmark recorded ${saved.at} before deploying ${saved.tag})`);
  run.log(`    or: node scripts/ops/time-travel.mjs restore --service ${service} --env ${env} --bookmark <bookmark>`);
}

runMain(main);
