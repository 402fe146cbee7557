// Shared pieces of the operator scripts: the service catalogue, argument parsing, and a step
// runner that either executes wrangler/HTTP calls or, with --dry-run, prints them exactly.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ownsD1 } from "../lib.mjs";

/**
 * Environment variables the operator or GitHub Actions provide (ADMIN_TOKEN, GATEWAY_URL,
 * GITHUB_*). Read by name here because these scripts never run as turbo tasks, whose env
 * declarations biome checks direct `process.env.X` reads against.
 */
export const envVar = (name) => process.env[name];

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
// Every path the scripts print or take is relative to the repository root, wherever they run from.
process.chdir(root);

/** Callees before callers: a caller's new code may need its callee's new RPC method. */
export const DEPLOY_ORDER = ["analytics", "chat", "struggle-detector", "lti-gateway"];
export const ENVIRONMENTS = ["staging", "production"];
/** The services with D1 databases, in deploy order: the gateway has none (its state is in KV). */
export const D1_SERVICES = DEPLOY_ORDER.filter(ownsD1);
export { ownsD1 };

/** Worker and D1 names follow wrangler's rule for named environments: `<top-level name>-<env>`. */
export const workerName = (service, env) => `atomic-guide-${service}-${env}`;
export const databaseName = (service, env) => `atomic-guide-${service}-${env}`;
/** DB_TENANT_<X>: the tenant id upper-cased, anything else than A-Z0-9 as `_` (D1BindingNameSchema). */
export function tenantBinding(tenantId) {
  const slug = tenantId
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, "_")
    .replace(/^_|_$/g, "");
  if (!slug || slug.length > 50) throw new Error(`cannot make a binding name from tenant id ${tenantId}`);
  return `DB_TENANT_${slug}`;
}
export const tenantDatabase = (service, env, tenantId) =>
  `${databaseName(service, env)}-tenant-${tenantId.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`.slice(0, 63);

export const bucketName = (env) => `atomic-guide-backups-${env}`;
export const configPath = (service) => join("services", service, "wrangler.jsonc");

/**
 * Every D1 database a service binds in an environment: its own DB plus any dedicated tenant
 * databases (DB_TENANT_<X>), read from its wrangler.jsonc the way wrangler reads it.
 */
export async function databasesOf(service, env) {
  const { unstable_readConfig } = await import("wrangler");
  const config = unstable_readConfig({ config: configPath(service), env });
  return config.d1_databases.map((d) => d.database_name);
}

export function usageError(message, usage) {
  console.error(`error: ${message}\n\n${usage}`);
  process.exit(2);
}

/** Parses flags; common ones (--dry-run, --yes) are always allowed. */
export function parseCli(options, usage, argv = process.argv.slice(2)) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: { "dry-run": { type: "boolean" }, yes: { type: "boolean" }, help: { type: "boolean" }, ...options },
    });
  } catch (e) {
    usageError(e.message, usage);
  }
}

export function requireOneOf(value, allowed, what, usage) {
  if (!allowed.includes(value))
    usageError(`${what} must be one of ${allowed.join(", ")} (got ${value ?? "nothing"})`, usage);
  return value;
}

/**
 * The command line of a script that acts on one service in one environment: an optional
 * subcommand (first positional, one of `commands`), --service (one of `services`), --env (one
 * of `envs`), --dry-run, the script's own `options`, and with `gateway` the operator API's base
 * URL from --gateway or GATEWAY_URL (a dry run prints the variable). `cfg` is wrangler's
 * config and environment for the service; `worker` its Worker name there.
 */
export function serviceCli(
  usage,
  { options = {}, commands, services = DEPLOY_ORDER, envs = ENVIRONMENTS, gateway = false } = {},
) {
  const { values, positionals } = parseCli(
    {
      service: { type: "string" },
      env: { type: "string" },
      ...(gateway ? { gateway: { type: "string" } } : {}),
      ...options,
    },
    usage,
  );
  const command = commands ? requireOneOf(positionals[0], commands, "the subcommand", usage) : undefined;
  const service = requireOneOf(values.service, services, "--service", usage);
  const env = requireOneOf(values.env, envs, "--env", usage);
  const dryRun = Boolean(values["dry-run"]);
  const gatewayUrl = gateway
    ? (values.gateway ?? envVar("GATEWAY_URL") ?? (dryRun ? "$GATEWAY_URL" : "")).replace(/\/$/, "")
    : undefined;
  return {
    values,
    positionals,
    command,
    service,
    env,
    dryRun,
    gateway: gatewayUrl,
    cfg: ["-c", configPath(service), "--env", env],
    worker: workerName(service, env),
  };
}

// Arguments naming a shell variable ($ADMIN_TOKEN) are double-quoted so a copied line expands them.
const quote = (arg) => {
  if (/^[\w@%+=:,./<>-]+$/.test(arg)) return arg;
  if (arg.includes("$") && !/["`\\]/.test(arg)) return `"${arg}"`;
  return `'${String(arg).replaceAll("'", "'\\''")}'`;
};
export const shellLine = (cmd, args) => [cmd, ...args].map(quote).join(" ");

/**
 * Deploy rehearsal (scripts/ops/rehearse-deploy.mjs sets ATOMIC_DEPLOY_REHEARSAL=1): a real
 * run in every respect except the account. Commands that build and check a Worker (`deploy`,
 * `versions upload`) run for real with `--dry-run`, so a missing build output or a broken
 * config fails as it would on the account; every other wrangler call, HTTP call and pause is
 * printed and answered with its placeholder.
 */
export const REHEARSAL = envVar("ATOMIC_DEPLOY_REHEARSAL") === "1";

/** The wrangler arguments a rehearsal runs for `args`, or null when it only prints them. */
export function rehearsalArgs(args, outdir) {
  const builds = args[0] === "deploy" || (args[0] === "versions" && args[1] === "upload");
  return builds ? [...args, "--dry-run", "--outdir", outdir] : null;
}

const wranglerBin = () => {
  const local = join(root, "node_modules", ".bin", "wrangler");
  return existsSync(local) ? local : "wrangler";
};

/**
 * Runs the numbered steps of a plan. In a dry run nothing is executed: each step prints the exact
 * command (or HTTP call), and values only a real run can know are shown as <placeholders>.
 */
export class Runner {
  constructor({ dryRun, total, log = console.log }) {
    this.dryRun = dryRun;
    this.total = total;
    this.n = 0;
    this.log = log;
    if (dryRun) log("DRY RUN: nothing below is executed; these are the exact calls a real run makes.");
  }

  step(title) {
    this.n += 1;
    this.log(`\n[${this.n}/${this.total}] ${title}`);
  }

  watch(text) {
    this.log(`    watch: ${text}`);
  }

  note(text) {
    this.log(`    note: ${text}`);
  }

  /** Runs wrangler; with `json` it parses stdout. In a dry run returns `placeholder`. */
  async wrangler(args, { placeholder = null, json = false, env = {}, outputFile = false } = {}) {
    this.log(`    $ ${shellLine("wrangler", args)}`);
    if (this.dryRun) return placeholder;
    if (REHEARSAL) {
      const checked = rehearsalArgs(args, join(tmpdir(), `rehearsal-${process.pid}-${this.n}`));
      if (!checked) return placeholder;
      this.log(`    rehearsal: $ ${shellLine("wrangler", checked)}`);
      const { code } = await spawnCapture(wranglerBin(), checked, true, env);
      if (code !== 0) throw new Error(`wrangler ${args[0]} ${args[1] ?? ""} --dry-run failed (exit ${code})`);
      return placeholder;
    }
    const outputPath = outputFile ? join(tmpdir(), `wrangler-output-${process.pid}-${Date.now()}.ndjson`) : undefined;
    const { code, stdout } = await spawnCapture(wranglerBin(), args, !json, {
      ...env,
      ...(outputPath ? { WRANGLER_OUTPUT_FILE_PATH: outputPath } : {}),
    });
    if (code !== 0) throw new Error(`wrangler ${args[0]} ${args[1] ?? ""} failed (exit ${code})`);
    if (outputPath) return readFileSync(outputPath, "utf8").trim().split("\n").filter(Boolean).map(JSON.parse);
    if (json) return JSON.parse(stdout.slice(stdout.search(/[[{]/)));
    return stdout;
  }

  /** Calls the gateway's operator API; the token comes from ADMIN_TOKEN and is never printed. */
  async admin(method, url, body) {
    const data = body === undefined ? [] : ["-H", "Content-Type: application/json", "-d", JSON.stringify(body)];
    this.log(
      `    $ ${shellLine("curl", ["-fsS", "-X", method, url, "-H", "Authorization: Bearer $ADMIN_TOKEN", ...data])}`,
    );
    if (this.dryRun || REHEARSAL) return null;
    const token = envVar("ADMIN_TOKEN");
    if (!token) throw new Error("ADMIN_TOKEN is not set in the environment");
    const res = await fetch(url, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  }

  async pause(seconds, why) {
    this.log(`    pause ${seconds}s: ${why}`);
    if (this.dryRun || REHEARSAL || seconds <= 0) return;
    for (let left = seconds; left > 0; left -= Math.min(30, left)) {
      this.log(`    ... ${left}s left`);
      await new Promise((r) => setTimeout(r, Math.min(30, left) * 1000));
    }
  }
}

function spawnCapture(cmd, args, echo, extraEnv) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: root,
      env: { ...process.env, ...extraEnv },
      stdio: ["inherit", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.on("data", (d) => {
      stdout += d;
      if (echo) process.stdout.write(d);
    });
    child.on("exit", (code) => resolve({ code: code ?? 1, stdout }));
  });
}

/** Asks before something destructive; --yes answers for CI. A dry run never asks. */
export async function confirm(question, { yes, dryRun }) {
  if (dryRun || yes) return true;
  if (!process.stdin.isTTY) throw new Error("refusing to continue without a terminal; pass --yes to confirm");
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(`${question} Type "yes" to continue: `);
  rl.close();
  return answer.trim() === "yes";
}

/** Bookmarks are kept under .tmp/ops so a later rollback can print the exact restore command. */
export const bookmarkFile = (service, env) => join(".tmp", "ops", "bookmarks", `${env}-${service}.json`);
export function saveBookmark(service, env, record) {
  const file = bookmarkFile(service, env);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}
export function loadBookmark(service, env) {
  const file = bookmarkFile(service, env);
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : null;
}

/** Reads the version ids of the current deployment (newest first) from `deployments status --json`. */
export function currentVersions(status) {
  const versions = status?.versions ?? [];
  return [...versions]
    .sort((a, b) => b.percentage - a.percentage)
    .map((v) => ({ id: v.version_id, percentage: v.percentage }));
}

export function runMain(main) {
  main().catch((e) => {
    console.error(`\nfailed: ${e.message}`);
    process.exit(1);
  });
}

/**
 * Where D1/R2 commands act: a named environment (remote) or, for offline rehearsal and tests,
 * local state beside the given wrangler config (`--local`).
 */
export function target({ service, env, config }) {
  if (env === "local") {
    return {
      db: `atomic-guide-${service}`,
      bucket: "atomic-guide-backups",
      d1: ["--local", "-c", config ?? configPath(service)],
      r2: ["--local", "-c", config ?? configPath("analytics")],
    };
  }
  return {
    db: databaseName(service, env),
    bucket: bucketName(env),
    d1: ["--remote", "-c", configPath(service), "--env", env],
    r2: ["--remote", "-c", configPath("analytics"), "--env", env],
  };
}

/**
 * Row counts per table in a D1 SQL dump: every table it creates (empty ones too) and one
 * `INSERT INTO "t" ...` line per row. SQLite's own tables are left out: they follow the others.
 */
export function countDumpRows(sql) {
  const counts = {};
  for (const m of sql.matchAll(/^CREATE TABLE (?:IF NOT EXISTS )?"?([^"\s(]+)"?/gm)) {
    if (!m[1].startsWith("sqlite_")) counts[m[1]] = 0;
  }
  for (const m of sql.matchAll(/^INSERT INTO "?([^"\s(]+)"?/gm)) {
    if (!m[1].startsWith("sqlite_")) counts[m[1]] = (counts[m[1]] ?? 0) + 1;
  }
  return counts;
}

export const backupStamp = (date = new Date()) =>
  date
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replaceAll(":", "");
