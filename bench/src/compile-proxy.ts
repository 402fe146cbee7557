// A proxy for a bundle's parse and compile cost, measured in Node's V8 rather than workerd's: the
// bundle compiled as an ES module (vm.SourceTextModule: parse, top-level compile, inner functions
// pre-parsed; nothing evaluated or linked), in a child Node process, the median of `reps` compiles
// each made unique by a trailing comment so V8's compilation cache cannot answer.
import { execFileSync } from "node:child_process";

const CHILD = `
const { readFileSync } = require("node:fs");
const vm = require("node:vm");
const [reps, ...files] = process.argv.slice(1);
const out = {};
for (const file of files) {
  const source = readFileSync(file, "utf8");
  const times = [];
  for (let i = 0; i < Number(reps); i++) {
    const unique = source + "\\n// " + i + " " + Math.random();
    const t0 = process.hrtime.bigint();
    new vm.SourceTextModule(unique, { identifier: file + "#" + i });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  out[file] = times[Math.floor((times.length - 1) / 2)];
}
process.stdout.write(JSON.stringify(out));
`;

/** Median compile ms per bundle file. */
export function compileMsInNode(files: string[], reps: number): Map<string, number> {
  const out = execFileSync(
    process.execPath,
    ["--experimental-vm-modules", "--no-warnings", "-e", CHILD, String(reps), ...files],
    { encoding: "utf8", maxBuffer: 1 << 20 },
  );
  return new Map(Object.entries(JSON.parse(out) as Record<string, number>));
}
