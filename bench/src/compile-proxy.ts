// A proxy for a bundle's parse and compile cost, measured in Node's V8 rather than workerd's: the
// bundle compiled as an ES module (vm.SourceTextModule: parse, top-level compile, inner functions
// pre-parsed; nothing evaluated or linked), in a child Node process: the median CPU time of `reps`
// compiles, each made unique by a trailing comment so V8's compilation cache cannot answer.
import { execFileSync } from "node:child_process";

const CHILD = `
const { readFileSync } = require("node:fs");
const vm = require("node:vm");
const [reps, ...files] = process.argv.slice(1);
const sources = files.map((file) => readFileSync(file, "utf8"));
const times = files.map(() => []);
const compile = (i, n) => new vm.SourceTextModule(sources[i] + "\\n// " + n + " " + Math.random(), { identifier: files[i] + "#" + n });
// One discarded compile of each first (V8 warms up), then the files in turn, so load from other
// processes falls on each alike; CPU time, not wall time, so being preempted does not count.
files.forEach((_, i) => compile(i, -1));
for (let n = 0; n < Number(reps); n++) {
  files.forEach((_, i) => {
    const before = process.cpuUsage();
    compile(i, n);
    const used = process.cpuUsage(before);
    times[i].push((used.user + used.system) / 1000);
  });
}
const out = {};
files.forEach((file, i) => {
  const sorted = times[i].sort((a, b) => a - b);
  out[file] = sorted[Math.floor((sorted.length - 1) / 2)];
});
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
