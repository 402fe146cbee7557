#!/usr/bin/env node
// Deploy rehearsal: runs a deploy workflow's own jobs and steps, as GitHub would on a manual
// run, in a fresh clone of the commit, with the account replaced by wrangler's --dry-run
// (lib.mjs, REHEARSAL). So a workflow that would fail on a real account — a build output
// nothing builds, a step that needs a file only a developer's machine has, a wrong script
// flag — fails here, in CI, before it reaches an account.
//   node scripts/ops/rehearse-deploy.mjs [--workflow deploy-staging.yml,deploy-production.yml]
//     [--input services=all --input mode=gradual] [--checkout <existing clone>] [--ref HEAD]
// `uses:` steps: checkout is the fresh clone, setup-node is the Node running this,
// upload-artifact is printed. Reusable workflows (`uses: ./.github/workflows/x.yml`) are run
// with their `with:` inputs. Exit 0 only when every job that GitHub would run succeeded.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { parseCli, root, runMain, usageError } from "./lib.mjs";
import { condition, interpolate, parseYaml } from "./workflow-yaml.mjs";

const USAGE = `usage: rehearse-deploy.mjs [--workflow a.yml,b.yml] [--input name=value ...] [--checkout <dir>] [--ref <git ref>]`;
export const DEPLOY_WORKFLOWS = ["deploy-staging.yml", "deploy-production.yml"];

const log = (line) => console.log(line);

function sh(cwd, script, env) {
  const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
    cwd,
    env,
    stdio: "inherit",
  });
  return r.status ?? 1;
}

/** A fresh clone of `ref`, as actions/checkout gives a job (full history, for the plan's diff). */
export function freshClone(ref = "HEAD") {
  const sha = spawnSync("git", ["rev-parse", ref], { cwd: root, encoding: "utf8" }).stdout.trim();
  if (!sha) throw new Error(`no such commit: ${ref}`);
  const dir = mkdtempSync(join(tmpdir(), "atomic-guide-rehearsal-"));
  for (const args of [
    ["clone", "--quiet", "--no-checkout", root, dir],
    ["-C", dir, "checkout", "--quiet", sha],
  ]) {
    const r = spawnSync("git", args, { stdio: "inherit" });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")} failed`);
  }
  return { dir, sha };
}

/** A `wrangler` first on PATH for run: lines that call it directly: builds dry-run, the rest printed. */
function wranglerShim(clone) {
  const dir = join(clone, ".tmp", "rehearsal-bin");
  mkdirSync(dir, { recursive: true });
  const shim = join(dir, "wrangler");
  writeFileSync(
    shim,
    `#!/usr/bin/env bash
case "$1 $2" in
  deploy\\ *|"versions upload") exec "${clone}/node_modules/.bin/wrangler" "$@" --dry-run --outdir "${clone}/.tmp/rehearsal-out" ;;
  *) echo "rehearsal: not run: wrangler $*" >&2 ;;
esac
`,
  );
  chmodSync(shim, 0o755);
  return dir;
}

function readOutputs(file) {
  if (!existsSync(file)) return {};
  const out = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^([^=]+)=(.*)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

class Rehearsal {
  constructor({ clone, sha, inputs }) {
    this.clone = clone;
    this.sha = sha;
    this.inputs = inputs;
    this.shimDir = wranglerShim(clone);
    this.counter = 0;
  }

  load(name) {
    return parseYaml(readFileSync(join(this.clone, ".github", "workflows", name), "utf8"));
  }

  baseContext(inputs) {
    return {
      github: {
        sha: this.sha,
        event_name: "workflow_dispatch",
        event: { before: "" },
        run_id: "rehearsal",
        ref: "refs/heads/main",
      },
      inputs,
      secrets: { CLOUDFLARE_API_TOKEN: "rehearsal-token" },
      vars: { CLOUDFLARE_ACCOUNT_ID: "rehearsal-account" },
      env: {},
      needs: {},
      steps: {},
      matrix: {},
      runner: { temp: join(this.clone, ".tmp") },
    };
  }

  /** Runs one workflow's jobs in `needs` order; returns the job results (success/failure/skipped). */
  runWorkflow(name, inputs, prefix = "") {
    const wf = this.load(name);
    const ctx = this.baseContext(inputs);
    Object.assign(ctx.env, interpolateAll(wf.env ?? {}, ctx));
    const results = {};
    const pending = Object.keys(wf.jobs);
    while (pending.length) {
      const idx = pending.findIndex((j) => listOf(wf.jobs[j].needs).every((n) => n in results));
      if (idx < 0) throw new Error(`${name}: jobs ${pending.join(", ")} wait on each other`);
      const id = pending.splice(idx, 1)[0];
      const job = wf.jobs[id];
      const needs = Object.fromEntries(listOf(job.needs).map((n) => [n, results[n]]));
      const jobCtx = { ...ctx, needs };
      const anyFailed = Object.values(needs).some((n) => n.result !== "success");
      const explicit = job.if !== undefined;
      // GitHub skips a job whose needs did not all succeed unless its `if` says otherwise (always()).
      const run = explicit ? condition(job.if, jobCtx) : !anyFailed;
      if (!run || (anyFailed && !String(job.if ?? "").includes("always()"))) {
        log(`\n── ${prefix}${id}: skipped`);
        results[id] = { result: "skipped", outputs: {} };
        continue;
      }
      results[id] = job.uses ? this.runCall(id, job, jobCtx, prefix) : this.runJob(id, job, jobCtx, prefix);
    }
    return results;
  }

  runCall(id, job, ctx, prefix) {
    const file = /^\.\/\.github\/workflows\/(.+)$/.exec(job.uses)?.[1];
    if (!file) throw new Error(`job ${id}: cannot rehearse uses: ${job.uses}`);
    const called = this.load(file);
    const declared = called.on?.workflow_call?.inputs ?? {};
    const given = interpolateAll(job.with ?? {}, ctx);
    for (const k of Object.keys(given)) if (!(k in declared)) throw new Error(`job ${id}: ${file} has no input "${k}"`);
    const inputs = Object.fromEntries(Object.entries(declared).map(([k, d]) => [k, given[k] ?? d.default ?? null]));
    for (const [k, d] of Object.entries(declared))
      if (d.required && (inputs[k] === null || inputs[k] === "")) throw new Error(`job ${id}: input ${k} required`);
    log(`\n══ ${prefix}${id} → ${file} ${JSON.stringify(inputs)}`);
    const inner = this.runWorkflow(file, inputs, `${prefix}${id} / `);
    const failed = Object.values(inner).some((r) => r.result === "failure");
    return { result: failed ? "failure" : "success", outputs: {} };
  }

  runJob(id, job, ctx, prefix) {
    log(`\n── ${prefix}${id}${job.environment ? ` (environment ${interpolate(job.environment, ctx)})` : ""}`);
    const jobCtx = { ...ctx, steps: {}, env: { ...ctx.env } };
    Object.assign(jobCtx.env, interpolateAll(job.env ?? {}, jobCtx));
    for (const [n, step] of (job.steps ?? []).entries()) {
      const label = step.name ?? step.id ?? step.uses ?? `step ${n + 1}`;
      if (!condition(step.if, jobCtx)) {
        log(`   · ${label}: skipped (if)`);
        continue;
      }
      if (step.uses) {
        log(`   · ${label}: ${usesNote(step.uses)}`);
        continue;
      }
      const stepEnv = { ...jobCtx.env, ...interpolateAll(step.env ?? {}, jobCtx) };
      const script = interpolate(step.run, jobCtx);
      this.counter += 1;
      const outFile = join(this.clone, ".tmp", `gh-output-${this.counter}`);
      const summary = join(this.clone, ".tmp", `gh-summary-${this.counter}`);
      log(`   ▸ ${label}`);
      const code = sh(this.clone, script, {
        ...process.env,
        ...Object.fromEntries(Object.entries(stepEnv).map(([k, v]) => [k, v === null ? "" : String(v)])),
        PATH: `${this.shimDir}${delimiter}${process.env.PATH}`,
        CI: "true",
        GITHUB_ACTIONS: "true",
        GITHUB_SHA: this.sha,
        GITHUB_EVENT_NAME: "workflow_dispatch",
        GITHUB_WORKSPACE: this.clone,
        GITHUB_RUN_ID: "rehearsal",
        GITHUB_OUTPUT: outFile,
        GITHUB_STEP_SUMMARY: summary,
        ATOMIC_DEPLOY_REHEARSAL: "1",
      });
      if (step.id) jobCtx.steps[step.id] = { outputs: readOutputs(outFile) };
      if (code !== 0) {
        log(`   ✘ ${prefix}${id}: "${label}" failed (exit ${code})`);
        return { result: "failure", outputs: {} };
      }
    }
    return { result: "success", outputs: interpolateAll(job.outputs ?? {}, jobCtx) };
  }
}

const listOf = (v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const interpolateAll = (obj, ctx) => Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, interpolate(v, ctx)]));
function usesNote(uses) {
  if (uses.startsWith("actions/checkout@")) return "the fresh clone";
  if (uses.startsWith("actions/setup-node@")) return `the Node running the rehearsal (${process.version})`;
  if (uses.startsWith("actions/upload-artifact@")) return "not rehearsed (would upload an artifact)";
  throw new Error(`no rehearsal for uses: ${uses}`);
}

/** Inputs of a manual run: the workflow's workflow_dispatch defaults, then the given overrides. */
export function dispatchInputs(workflow, overrides) {
  const declared = workflow.on?.workflow_dispatch?.inputs ?? {};
  for (const k of Object.keys(overrides)) if (!(k in declared)) throw new Error(`no dispatch input "${k}"`);
  return Object.fromEntries(Object.entries(declared).map(([k, d]) => [k, overrides[k] ?? d.default ?? ""]));
}

export function rehearse({ workflows, inputs = {}, checkout, ref }) {
  const { dir, sha } = checkout
    ? {
        dir: checkout,
        sha: spawnSync("git", ["rev-parse", "HEAD"], { cwd: checkout, encoding: "utf8" }).stdout.trim(),
      }
    : freshClone(ref);
  log(`rehearsing ${workflows.join(", ")} at ${sha.slice(0, 12)} in ${dir}`);
  const r = new Rehearsal({ clone: dir, sha, inputs });
  const failed = [];
  for (const wf of workflows) {
    log(`\n════ ${wf}`);
    const results = r.runWorkflow(wf, dispatchInputs(r.load(wf), inputs));
    for (const [job, res] of Object.entries(results)) if (res.result === "failure") failed.push(`${wf}: ${job}`);
    const ran = Object.entries(results)
      .filter(([, x]) => x.result !== "skipped")
      .map(([j]) => j);
    log(`\n${wf}: ran ${ran.join(", ") || "nothing"}`);
  }
  return { failed, dir };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runMain(async () => {
    const { values } = parseCli(
      {
        workflow: { type: "string" },
        input: { type: "string", multiple: true },
        checkout: { type: "string" },
        ref: { type: "string" },
      },
      USAGE,
    );
    const inputs = {};
    for (const pair of values.input ?? []) {
      const m = /^([\w-]+)=(.*)$/.exec(pair);
      if (!m) usageError(`--input takes name=value, got ${pair}`, USAGE);
      inputs[m[1]] = m[2];
    }
    const workflows = values.workflow ? values.workflow.split(",") : DEPLOY_WORKFLOWS;
    const { failed } = rehearse({ workflows, inputs, checkout: values.checkout, ref: values.ref });
    if (failed.length) throw new Error(`the rehearsal failed in ${failed.join("; ")}`);
    log("\nrehearsal passed: every job a manual run would start succeeded against wrangler --dry-run");
  });
}
