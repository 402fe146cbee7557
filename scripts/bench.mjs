// `npm run bench`: every benchmark, one way, from bench/ with tsx. With no name, the system bench
// (bench/src/run.ts, which rewrites docs/benchmarks.md); with a name first, the standalone bench
// bench/src/standalone/<name>.ts. Arguments pass through either way.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { mustRun, root, run, step } from "./lib.mjs";

const STANDALONE = readdirSync(join(root, "bench", "src", "standalone"))
  .filter((f) => f.endsWith(".ts"))
  .map((f) => f.slice(0, -".ts".length));
const [first, ...rest] = process.argv.slice(2);
const standalone = first !== undefined && STANDALONE.includes(first);
if (first !== undefined && !first.startsWith("-") && !standalone) {
  console.error(`unknown bench "${first}": the standalone ones are ${STANDALONE.join(", ")}`);
  process.exit(2);
}
// Built here, in the toolchain's environment: turbo started from inside `pnpm exec` cannot spawn
// its tasks on some machines (it answers "unable to spawn child process").
if (!process.argv.includes("--no-build")) {
  step("building the four Workers");
  await mustRun("build", "turbo", ["run", "build", "--output-logs=errors-only"], { cwd: root });
}
const [script, args] = standalone ? [`src/standalone/${first}.ts`, rest] : ["src/run.ts", process.argv.slice(2)];
const { code } = await run("pnpm", ["--filter", "@atomic-guide/bench", "exec", "tsx", script, ...args]);
process.exit(code);
