#!/usr/bin/env node
// Deploys one service to one environment, in the order that keeps old code working:
//   1. record a D1 Time Travel bookmark (the undo point for step 2),
//   2. apply D1 migrations --remote (expand-only: the running version must still work),
//   3. upload the new version (not serving yet), tagged with the commit,
//   4. shift traffic in steps (e.g. 10% -> 50% -> 100%), pausing to watch between them.
// --first-deploy: the Worker does not exist yet; `wrangler deploy` provisions its D1/KV/R2 by name
// and creates it, then migrations run. --full-deploy: the change adds/renames/deletes a Durable
// Object class, which a version upload refuses (error 10211); it ships with `wrangler deploy`.
import { execFileSync } from "node:child_process";
import {
  currentVersions,
  DEPLOY_ORDER,
  databasesOf,
  envVar,
  Runner,
  runMain,
  saveBookmark,
  serviceCli,
  usageError,
} from "./lib.mjs";

const USAGE = `usage: deploy-service.mjs --service <${DEPLOY_ORDER.join("|")}> --env <staging|production>
  [--tag <git sha>] [--steps 10,50,100] [--pause <seconds>] [--first-deploy | --full-deploy] [--dry-run]`;

const { values, service, env, dryRun, cfg, worker } = serviceCli(USAGE, {
  options: {
    tag: { type: "string" },
    steps: { type: "string" },
    pause: { type: "string" },
    "first-deploy": { type: "boolean" },
    "full-deploy": { type: "boolean" },
  },
});
const tag =
  values.tag ?? envVar("GITHUB_SHA") ?? execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim();
const steps = (values.steps ?? (env === "production" ? "10,50,100" : "100")).split(",").map(Number);
if (
  steps.some((p) => !Number.isInteger(p) || p < 1 || p > 100) ||
  steps.at(-1) !== 100 ||
  steps.some((p, i) => i > 0 && p <= steps[i - 1])
) {
  usageError("--steps must be rising whole percentages ending at 100", USAGE);
}
const pause = Number(values.pause ?? (env === "production" ? 300 : 0));
if (!Number.isInteger(pause) || pause < 0) usageError("--pause must be whole seconds", USAGE);

// The service's own database first, then dedicated tenant databases (same migrations). None
// for the gateway: its bookmark and migration steps say so and do nothing.
const databases = await databasesOf(service, env);

/**
 * The databases that exist on the account. A database bound for the first time (a new tenant
 * database added by hand) has no Time Travel history and cannot be migrated before
 * `wrangler deploy` provisions it: it is bookmarked never, and migrated after the deploy.
 */
async function existingDatabases(run) {
  if (databases.length === 0) return { existing: [], fresh: [] };
  const list = await run.wrangler(["d1", "list", "--json"], {
    json: true,
    placeholder: databases.map((name) => ({ name })),
  });
  const names = new Set((list ?? []).map((d) => d.name));
  return { existing: databases.filter((d) => names.has(d)), fresh: databases.filter((d) => !names.has(d)) };
}

async function recordBookmark(run, existing) {
  if (existing.length === 0) {
    run.step(`No D1 database to bookmark (${service} has none)`);
    return;
  }
  run.step(`Record a D1 Time Travel bookmark for ${existing.join(", ")} (the undo point for the migrations)`);
  const saved = [];
  for (const db of existing) {
    const info = await run.wrangler(["d1", "time-travel", "info", db, ...cfg, "--json"], {
      json: true,
      placeholder: { bookmark: "<bookmark>" },
    });
    saved.push({ database: db, bookmark: info.bookmark });
    run.note(
      `undo the schema/data change with: wrangler d1 time-travel restore ${db} ${cfg.join(" ")} --bookmark=${info.bookmark}`,
    );
  }
  if (!dryRun) {
    const file = saveBookmark(service, env, { ...saved[0], databases: saved, at: new Date().toISOString(), tag });
    run.log(`    bookmarks saved to ${file}`);
    if (envVar("GITHUB_STEP_SUMMARY")) {
      const { appendFileSync } = await import("node:fs");
      const lines = saved.map((b) => `- ${b.database}: bookmark before migrations \`${b.bookmark}\`\n`).join("");
      appendFileSync(envVar("GITHUB_STEP_SUMMARY"), lines);
    }
  }
}

async function migrate(run, list = databases) {
  if (list.length === 0) {
    run.step(`No D1 database to migrate (${service} has none)`);
    return;
  }
  run.step(`Apply D1 migrations to ${list.join(", ")} (remote)`);
  for (const db of list) await run.wrangler(["d1", "migrations", "apply", db, "--remote", ...cfg]);
  run.watch("migrations are expand-only: the version serving now must keep working on the new schema");
}

async function main() {
  if (values["first-deploy"]) {
    const run = new Runner({ dryRun, total: 2 });
    run.step(`Create ${worker} and provision its D1, KV and R2 by name (first deploy)`);
    await run.wrangler(["deploy", ...cfg, "--message", `first deploy ${tag}`]);
    await migrate(run);
    run.note("set the Worker's secrets now if it has any (docs/operations.md, First deploy)");
    return;
  }
  if (values["full-deploy"]) {
    const run = new Runner({ dryRun, total: 5 });
    run.step(`List the D1 databases on the account (new ones are provisioned by the deploy)`);
    const { existing, fresh } = await existingDatabases(run);
    await recordBookmark(run, existing);
    await migrate(run, existing);
    run.step(`Deploy ${worker} at 100% with wrangler deploy (a class or binding change: no gradual rollout)`);
    await run.wrangler(["deploy", ...cfg, "--message", `deploy ${tag}`]);
    run.watch("Durable Objects restart on the new code; a rollback cannot cross this deploy");
    if (fresh.length) await migrate(run, fresh);
    else run.step("No new database to migrate");
    return;
  }

  const run = new Runner({ dryRun, total: 5 + steps.length });
  run.step(`List the D1 databases on the account`);
  const { existing, fresh } = await existingDatabases(run);
  if (fresh.length) {
    throw new Error(
      `${fresh.join(", ")} ${fresh.length > 1 ? "do" : "does"} not exist yet: a new database needs --full-deploy (wrangler deploy provisions it), or scripts/ops/tenant-db.mjs`,
    );
  }
  await recordBookmark(run, existing);
  await migrate(run);

  run.step(`Upload a new version of ${worker} tagged ${tag} (serves no traffic yet)`);
  const output = await run.wrangler(["versions", "upload", ...cfg, "--tag", tag, "--message", `deploy ${tag}`], {
    outputFile: true,
    placeholder: [{ type: "version-upload", version_id: "<new-version-id>" }],
  });
  const newId = output.find((e) => e.type === "version-upload")?.version_id;
  if (!newId) throw new Error("wrangler did not report the uploaded version id");
  run.log(`    new version ${newId}`);

  run.step(`Read the current deployment of ${worker}`);
  const status = await run.wrangler(["deployments", "status", ...cfg, "--json"], {
    json: true,
    placeholder: { versions: [{ version_id: "<current-version-id>", percentage: 100 }] },
  });
  const oldId = currentVersions(status).find((v) => v.id !== newId)?.id;
  run.log(`    currently serving ${oldId ?? "(only the new version)"}`);

  for (const [i, pct] of steps.entries()) {
    run.step(`Shift ${pct}% of ${worker} traffic to ${newId}`);
    const specs = pct === 100 || !oldId ? [`${newId}@100`] : [`${newId}@${pct}`, `${oldId}@${100 - pct}`];
    await run.wrangler(["versions", "deploy", ...specs, ...cfg, "-y", "--message", `${tag} at ${pct}%`]);
    if (i < steps.length - 1) {
      run.watch(
        `error rate and latency of version ${newId} vs the old one (Workers Logs / Observability, grouped by script version)`,
      );
      await run.pause(pause, "watch the new version before widening; cancel now to stop here");
    }
  }
  run.watch(`if anything looks wrong: node scripts/ops/rollback.mjs --service ${service} --env ${env}`);
}

runMain(main);
