// `npm test`: generated types current, typecheck, lint, then every test suite (each service
// in workerd, then the whole system in one Miniflare). Exits non-zero if anything fails and
// ends with one summary line of all tests.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fail, ok, root, run, step } from "./lib.mjs";

const SUITES = [
  "packages/shared",
  "apps/web",
  "services/analytics",
  "services/chat",
  "services/struggle-detector",
  "services/lti-gateway",
  "tests/integration",
  "tests/e2e",
];
const resultFile = (dir) => join(root, dir, ".vitest", "results.json");
for (const dir of SUITES) rmSync(resultFile(dir), { force: true });

const stages = [
  [
    "generated worker-configuration.d.ts files are current",
    "turbo",
    ["run", "types:check", "--output-logs=errors-only"],
  ],
  ["typecheck", "turbo", ["run", "typecheck", "--output-logs=errors-only"]],
  ["lint (biome)", "biome", ["check", "."]],
  // Builds first (auxiliary Workers in tests run from dist/), then the suites, two at a time.
  ["tests", "turbo", ["run", "test", "--concurrency=2", "--output-logs=new-only"]],
  // The web app in Debian's Chromium against the whole system, after everything else passed.
  ["end-to-end tests in Chromium", "turbo", ["run", "test:e2e", "--output-logs=new-only"]],
];

/** The e2e suite drives Debian's Chromium; install it when missing (the machine's own browser, never a download). */
function ensureChromium() {
  if (existsSync("/usr/bin/chromium")) return true;
  step("installing Debian's chromium for the end-to-end tests (apt-get)");
  const asRoot = process.getuid?.() === 0;
  const apt = (args) =>
    spawnSync(asRoot ? "apt-get" : "sudo", asRoot ? args : ["apt-get", ...args], { stdio: "inherit" });
  if (apt(["update"]).status === 0 && apt(["install", "-y", "--no-install-recommends", "chromium"]).status === 0)
    return true;
  fail("could not install chromium; install Debian's `chromium` package and run npm test again");
  return false;
}

let failed = false;
for (const [label, cmd, args] of stages) {
  if (label.startsWith("end-to-end") && !ensureChromium()) {
    failed = true;
    break;
  }
  step(label);
  const { code } = await run(cmd, args);
  if (code === 0) ok(label);
  else {
    fail(`${label} failed`);
    failed = true;
    if (label !== "lint (biome)") break;
  }
}

let passed = 0;
let failedTests = 0;
let skipped = 0;
for (const dir of SUITES) {
  if (!existsSync(resultFile(dir))) continue;
  const r = JSON.parse(readFileSync(resultFile(dir), "utf8"));
  passed += r.numPassedTests;
  failedTests += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
}
if (passed + failedTests === 0 && !failed) {
  fail("no test ran");
  failed = true;
}
console.log(`\nTests: ${passed} passed, ${failedTests} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed || failedTests > 0 ? 1 : 0);
