// Small helpers shared by the scripts that run after bootstrap (on Node 22).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const SERVICES = ["lti-gateway", "chat", "struggle-detector", "analytics"];
/**
 * Whether a service has a D1 database: its migrations folder exists. The gateway has none (its
 * tenants and registrations live in KV), so backups, migrations and Time Travel skip it.
 */
export const ownsD1 = (service) => existsSync(join(root, "migrations", service));
/** Local state shared by `npm start` and the migration step, so both see the same D1 and KV. */
export const PERSIST_DIR = join(root, ".wrangler", "state");

export const step = (msg) => console.log(`\x1b[36m›\x1b[0m ${msg}`);
export const ok = (msg) => console.log(`\x1b[32m✔\x1b[0m ${msg}`);
export const fail = (msg) => console.error(`\x1b[31m✘\x1b[0m ${msg}`);

/** Runs a command, streaming its output; resolves with its exit code. */
export function run(cmd, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: root,
      stdio: options.quiet ? "pipe" : "inherit",
      env: process.env,
      ...options,
    });
    let output = "";
    child.stdout?.on("data", (d) => {
      output += d;
    });
    child.stderr?.on("data", (d) => {
      output += d;
    });
    child.on("exit", (code) => resolve({ code: code ?? 1, output }));
  });
}

export async function mustRun(label, cmd, args, options = {}) {
  const { code, output } = await run(cmd, args, options);
  if (code !== 0) {
    if (options.quiet) process.stderr.write(output);
    fail(`${label} failed (exit ${code})`);
    process.exit(code);
  }
  return output;
}
