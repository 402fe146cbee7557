#!/usr/bin/env node
// Which services a change set must redeploy, in deploy order (callees first). Used by the deploy
// workflow and runnable by hand:
//   node scripts/ops/affected.mjs --base <sha> [--head <sha>]     (git diff between the two)
//   node scripts/ops/affected.mjs --files a.ts,b.sql               (explicit list)
//   node scripts/ops/affected.mjs --only all | --only chat,analytics (an operator's choice)
// With --env, also how each service deploys (deploy-mode.mjs): detected from the diff between
// --base and --head (`--mode auto`, the default), or the operator's --mode for all of them.
// Prints {"services":[...],"modes":{...}}; with --github-output also writes `services=<json>`
// and `modes=<json>` ({"chat":"gradual",...}) to $GITHUB_OUTPUT.
import { execFileSync } from "node:child_process";
import { appendFileSync } from "node:fs";
import { detectModes } from "./deploy-mode.mjs";
import { DEPLOY_ORDER, ENVIRONMENTS, envVar, parseCli, root, usageError } from "./lib.mjs";

const MODES = ["auto", "gradual", "first-deploy", "full-deploy"];

const USAGE = `usage: affected.mjs (--base <sha> [--head <sha>] | --files <comma list> | --only <all|a,b>)
  [--env <staging|production> [--mode <${MODES.join("|")}>]] [--github-output]`;

/** Files every service is built from: a change here can change any bundle. */
const SHARED = [
  /^packages\/shared\//,
  /^pnpm-lock\.yaml$/,
  /^package\.json$/,
  /^pnpm-workspace\.yaml$/,
  /^tsconfig\.base\.json$/,
];

/** The services one changed path belongs to (empty: docs, tests, CI, tooling). */
export function servicesOf(path) {
  if (SHARED.some((re) => re.test(path))) return DEPLOY_ORDER;
  const own = /^(?:services|migrations)\/([^/]+)\//.exec(path)?.[1];
  if (own && DEPLOY_ORDER.includes(own)) return [own];
  // The web app ships as the gateway's static assets.
  if (path.startsWith("apps/web/")) return ["lti-gateway"];
  return [];
}

export function affectedServices(paths) {
  const hit = new Set(paths.flatMap(servicesOf));
  return DEPLOY_ORDER.filter((s) => hit.has(s));
}

function changedFiles(base, head) {
  // A first push to a branch has no usable base: deploy everything rather than guess.
  if (!base || /^0+$/.test(base)) return null;
  try {
    return execFileSync("git", ["diff", "--name-only", base, head], { cwd: root, encoding: "utf8" })
      .split("\n")
      .filter(Boolean);
  } catch {
    return null;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseCli(
    {
      base: { type: "string" },
      head: { type: "string" },
      files: { type: "string" },
      only: { type: "string" },
      env: { type: "string" },
      mode: { type: "string" },
      "github-output": { type: "boolean" },
    },
    USAGE,
  );
  let files;
  if (values.only !== undefined && values.only !== "") {
    const picked = values.only === "all" ? DEPLOY_ORDER : values.only.split(",").map((s) => s.trim());
    for (const s of picked) if (!DEPLOY_ORDER.includes(s)) usageError(`unknown service ${s}`, USAGE);
    files = picked.map((s) => `services/${s}/`);
  } else if (values.files !== undefined) files = values.files.split(",").filter(Boolean);
  else if (values.base !== undefined) files = changedFiles(values.base, values.head ?? "HEAD");
  else usageError("give --base or --files", USAGE);
  const services = files === null ? DEPLOY_ORDER : affectedServices(files);
  const mode = values.mode || "auto";
  if (!MODES.includes(mode)) usageError(`--mode must be one of ${MODES.join(", ")}`, USAGE);
  if (values.env !== undefined && !ENVIRONMENTS.includes(values.env)) usageError("unknown --env", USAGE);
  const usableBase = values.base && !/^0+$/.test(values.base) ? values.base : undefined;
  const detected = values.env
    ? mode === "auto"
      ? detectModes(services, { base: usableBase, head: values.head ?? "HEAD", env: values.env })
      : Object.fromEntries(services.map((s) => [s, { mode, reason: "chosen by the operator" }]))
    : {};
  const modes = Object.fromEntries(Object.entries(detected).map(([s, m]) => [s, m.mode]));
  console.log(
    JSON.stringify({
      services,
      modes: detected,
      reason: files === null ? "no usable base commit: all services" : `${files.length} changed files`,
    }),
  );
  if (values["github-output"]) {
    appendFileSync(envVar("GITHUB_OUTPUT"), `services=${JSON.stringify(services)}\nmodes=${JSON.stringify(modes)}\n`);
  }
}
