#!/usr/bin/env node
// A pilot rollout of one service, step by step (each step is its own command so an operator can
// stop between them):
//   upload   upload a candidate version (serves nothing)
//   start    deploy it at 0% beside the current version, so overrides can reach it
//   pin      route named pilot tenants to it (the gateway's rollout record, /admin/rollout)
//   widen    send a percentage of all other tenants to it (hash of the tenant id, sticky)
//   promote  100% and clear the pins
//   status   what is deployed and who is pinned
// Roll back with scripts/ops/rollback.mjs. Every subcommand takes --dry-run.
import { execFileSync } from "node:child_process";
import { currentVersions, Runner, runMain, serviceCli, usageError } from "./lib.mjs";

const PINNABLE = ["analytics", "chat", "struggle-detector"];
const COMMANDS = ["upload", "start", "pin", "widen", "promote", "status"];
const USAGE = `usage: rollout.mjs <${COMMANDS.join("|")}> --service <svc> --env <staging|production> [options] [--dry-run]
  upload  [--tag <sha>]
  start   --version <id>
  pin     --version <id> --tenants a,b [--gateway <url>]       (ADMIN_TOKEN in the environment)
  widen   --version <id> --percent <1..99> [--gateway <url>]
  promote --version <id> [--gateway <url>]
  status  [--gateway <url>]
The gateway URL may also come from GATEWAY_URL.`;

const { values, command, service, env, dryRun, cfg, worker, gateway } = serviceCli(USAGE, {
  commands: COMMANDS,
  services: ["lti-gateway", ...PINNABLE],
  gateway: true,
  options: {
    version: { type: "string" },
    tenants: { type: "string" },
    percent: { type: "string" },
    tag: { type: "string" },
  },
});
const rolloutUrl = `${gateway}/admin/rollout/${service}`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function candidate() {
  if (!values.version || !UUID.test(values.version)) usageError("--version <version id (UUID)> is required", USAGE);
  return values.version;
}
function needGateway() {
  if (!gateway) usageError("--gateway <url> or GATEWAY_URL is required for this step", USAGE);
  if (!PINNABLE.includes(service)) {
    usageError(
      "the gateway cannot pin tenants to its own versions; use a zone Transform Rule (docs/operations.md)",
      USAGE,
    );
  }
}

async function otherVersion(run, id) {
  const status = await run.wrangler(["deployments", "status", ...cfg, "--json"], {
    json: true,
    placeholder: { versions: [{ version_id: "<current-version-id>", percentage: 100 }] },
  });
  const other = currentVersions(status).find((v) => v.id !== id)?.id;
  if (!other) throw new Error(`${worker} serves only ${id}; nothing to split with`);
  return other;
}

async function pinnedTenants(run) {
  const all = await run.admin("GET", `${gateway}/admin/rollout`);
  return all?.services?.[service]?.tenants ?? (dryRun ? ["<tenants already pinned>"] : []);
}

const commands = {
  async upload() {
    const tag = values.tag ?? execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim();
    const run = new Runner({ dryRun, total: 1 });
    run.step(`Upload a candidate version of ${worker} tagged ${tag}`);
    const out = await run.wrangler(["versions", "upload", ...cfg, "--tag", tag, "--message", `candidate ${tag}`], {
      outputFile: true,
      placeholder: [{ type: "version-upload", version_id: "<candidate-version-id>" }],
    });
    const id = out.find((e) => e.type === "version-upload")?.version_id;
    run.log(`    candidate version ${id}`);
    run.note("it serves nothing yet; migrations must already be applied (deploy-service.mjs steps 1-2)");
    run.watch(`next: rollout.mjs start --service ${service} --env ${env} --version ${id}`);
  },

  async start() {
    const id = candidate();
    const run = new Runner({ dryRun, total: 2 });
    run.step(`Find the version ${worker} serves now`);
    const old = await otherVersion(run, id);
    run.step(`Deploy ${id} at 0% beside ${old} (overrides only reach versions in the deployment)`);
    await run.wrangler([
      "versions",
      "deploy",
      `${id}@0`,
      `${old}@100`,
      ...cfg,
      "-y",
      "--message",
      `candidate ${id} at 0%`,
    ]);
    run.watch("no tenant is on the candidate yet; traffic and errors should not change");
  },

  async pin() {
    const id = candidate();
    needGateway();
    const tenants = (values.tenants ?? "").split(",").filter(Boolean);
    if (tenants.length === 0) usageError("--tenants a,b is required", USAGE);
    const run = new Runner({ dryRun, total: 1 });
    run.step(`Pin ${tenants.join(", ")} to ${id} for ${service}`);
    await run.admin("PUT", rolloutUrl, { candidateVersionId: id, tenants, percentage: 0 });
    run.note("the gateway caches the record for 10 s per isolate and KV takes up to ~60 s to spread");
    run.note(
      "behaviour that must change only for these tenants also needs their feature flags (/admin/tenants/:id/flags)",
    );
    run.watch(`logs of ${worker} for these tenants on version ${id}`);
  },

  async widen() {
    const id = candidate();
    const pinnable = PINNABLE.includes(service);
    if (pinnable) needGateway();
    const pct = Number(values.percent);
    if (!Number.isInteger(pct) || pct < 1 || pct > 99)
      usageError("--percent must be 1..99 (use promote for 100)", USAGE);
    const run = new Runner({ dryRun, total: pinnable ? 3 : 2 });
    run.step(`Find the version ${worker} serves now`);
    const old = await otherVersion(run, id);
    run.step(`Send ${pct}% of tenants (by hash of tenant id) to ${id}`);
    await run.wrangler([
      "versions",
      "deploy",
      `${id}@${pct}`,
      `${old}@${100 - pct}`,
      ...cfg,
      "-y",
      "--message",
      `candidate ${id} at ${pct}%`,
    ]);
    if (pinnable) {
      run.step("Record the percentage beside the pinned tenants");
      const tenants = await pinnedTenants(run);
      await run.admin("PUT", rolloutUrl, { candidateVersionId: id, tenants, percentage: pct });
    }
    run.watch("tenants already on the candidate stay there as the percentage grows; only a rollback moves them back");
  },

  async promote() {
    const id = candidate();
    const run = new Runner({ dryRun, total: PINNABLE.includes(service) ? 2 : 1 });
    run.step(`Send all traffic of ${worker} to ${id}`);
    await run.wrangler(["versions", "deploy", `${id}@100`, ...cfg, "-y", "--message", `promote ${id}`]);
    if (PINNABLE.includes(service)) {
      needGateway();
      run.step("Clear the pins: every tenant is on the promoted version now");
      await run.admin("DELETE", rolloutUrl);
    }
    run.watch("error rate for the next hour; rollback.mjs returns to the previous version if needed");
  },

  async status() {
    const run = new Runner({ dryRun, total: PINNABLE.includes(service) && gateway ? 2 : 1 });
    run.step(`Current deployment of ${worker}`);
    const status = await run.wrangler(["deployments", "status", ...cfg, "--json"], { json: true });
    if (!dryRun) run.log(JSON.stringify(currentVersions(status)));
    if (PINNABLE.includes(service) && gateway) {
      run.step("Pinned tenants");
      const all = await run.admin("GET", `${gateway}/admin/rollout`);
      if (!dryRun) run.log(JSON.stringify(all?.services?.[service] ?? null));
    }
  },
};

runMain(commands[command]);
