#!/usr/bin/env node
// Entry point of `npm start` and `npm test`. Runs on whatever Node the machine has (20+): it
// installs what is missing (Node 22 from the npm registry as the root devDependency `node`,
// pnpm, the workspace's dependencies) and then runs the given script on that Node 22, with
// the workspace's tools first on PATH. Uses nothing but Node's standard library.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const PNPM = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager; // "pnpm@x.y.z"
const bin = join(root, "node_modules", ".bin");
const stampFile = join(root, "node_modules", ".atomic-guide-install");

const step = (msg) => console.log(`\x1b[36m›\x1b[0m ${msg}`);

function installFingerprint() {
  const h = createHash("sha256");
  for (const f of ["pnpm-lock.yaml", "pnpm-workspace.yaml", "package.json"]) {
    const p = join(root, f);
    if (existsSync(p)) h.update(readFileSync(p));
  }
  return h.digest("hex");
}

function needsInstall() {
  if (!existsSync(join(bin, "node")) || !existsSync(join(root, "node_modules", ".modules.yaml"))) return true;
  return !existsSync(stampFile) || readFileSync(stampFile, "utf8") !== installFingerprint();
}

if (needsInstall()) {
  step(`installing the toolchain (Node 22 from the npm registry, ${PNPM}) and the workspace's dependencies`);
  step("the first run downloads about 200 MB and takes a minute or two");
  const frozen = existsSync(join(root, "pnpm-lock.yaml")) ? ["--frozen-lockfile"] : [];
  const r = spawnSync("npx", ["--yes", PNPM, "install", ...frozen], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    console.error("✘ installing dependencies failed; see the output above.");
    process.exit(r.status ?? 1);
  }
  writeFileSync(stampFile, installFingerprint());
  step("dependencies installed");
} else {
  step("toolchain and dependencies are up to date");
}

const [script, ...args] = process.argv.slice(2);
if (!script) process.exit(0);

const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH}` };
const child = spawn(join(bin, "node"), [join(root, script), ...args], { cwd: root, stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
