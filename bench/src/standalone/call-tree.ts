// A profiled row's whole call tree, not only the top self-time functions of docs/benchmarks.md:
// reads what `BENCH_PROFILE_DIR=<dir> npm run bench -- --only=<row>` kept (each Worker's
// .cpuprofile and windows.json) and prints, top down, the JS CPU per operation (mean over the
// profiled operations) of every call path above a threshold, mapped through the bundle's source
// map. Run: npm run bench -- call-tree <dir> <worker> [--min=0.03] [--depth=12] [--self]
// (--self: the functions by their own time instead, summed over every path that reaches them)
// (worker: lti-gateway, chat, struggle-detector or analytics, mapped through the bundles as that run
// built them; or a floor Worker such as floor-new-do, by its generated names).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SERVICE_NAMES } from "@atomic-guide/testing/vitest-workers";
import { SAMPLING_INTERVAL_US } from "../profiled-pass";
import { BundleSources, type CpuProfile } from "../profiler";

interface Window {
  fromUs: number;
  toUs: number;
}
interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Branch {
  ms: number;
  children: Map<string, Branch>;
}

const [dir, worker, ...flags] = process.argv.slice(2);
const flag = (name: string, fallback: number) =>
  Number(flags.find((f) => f.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
if (!dir || !worker) {
  console.error("usage: npm run bench -- call-tree <BENCH_PROFILE_DIR> <worker> [--min=0.03] [--depth=12]");
  process.exit(2);
}
const minMs = flag("min", 0.03);
const maxDepth = flag("depth", 12);
const bySelf = flags.includes("--self");

// Our Workers run under their script names; the floor Workers under their own (and have no source maps).
const isService = (SERVICE_NAMES as readonly string[]).includes(worker);
const script = isService ? `atomic-guide-${worker}` : worker;
const root = join(import.meta.dirname, "..", "..", "..");
const profile = JSON.parse(readFileSync(join(dir, `${script}.cpuprofile`), "utf8")) as CpuProfile & { nodes: Node[] };
const { operations } = JSON.parse(readFileSync(join(dir, "windows.json"), "utf8")) as { operations: Window[] };
const sources = new BundleSources(
  new Map(isService ? [[script, join(root, "services", worker, "dist", "index.js")]] : []),
);

const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parents = new Map<number, number>();
for (const n of profile.nodes) for (const child of n.children ?? []) parents.set(child, n.id);

const labels = new Map<number, string>();
function label(n: Node): string {
  let text = labels.get(n.id);
  if (text === undefined) {
    const frame = n.callFrame;
    const source = frame.url ? sources.source(script, frame) : undefined;
    const where = source
      ? `${source.path.replace(/^.*?\/(services|packages|node_modules)\//, "$1/")}:${source.line}`
      : frame.url;
    text = where ? `${frame.functionName || "(anonymous)"} ${where}` : frame.functionName || "(native)";
    labels.set(n.id, text);
  }
  return text;
}

// Only the operations' windows count, each sample for at most one interval (as profiler.ts charges it).
const first = operations[0]?.fromUs ?? 0;
const last = operations.at(-1)?.toUs ?? 0;
const tree: Branch = { ms: 0, children: new Map() };
const selfMs = new Map<string, number>();
const samples = profile.samples ?? [];
const deltas = profile.timeDeltas ?? [];
let at = profile.startTime;
for (let i = 0; i < samples.length; i++) {
  at += deltas[i] ?? 0;
  const top = nodes.get(samples[i]!);
  if (at < first || at > last || !top || top.callFrame.functionName === "(idle)") continue;
  const ms = Math.min(deltas[i + 1] ?? SAMPLING_INTERVAL_US, SAMPLING_INTERVAL_US) / 1000;
  selfMs.set(label(top), (selfMs.get(label(top)) ?? 0) + ms);
  const path: string[] = [];
  for (let n: Node | undefined = top; n && n.callFrame.functionName !== "(root)"; n = nodes.get(parents.get(n.id)!))
    path.push(label(n));
  let branch = tree;
  branch.ms += ms;
  for (const step of path.reverse()) {
    let next = branch.children.get(step);
    if (!next) {
      next = { ms: 0, children: new Map() };
      branch.children.set(step, next);
    }
    next.ms += ms;
    branch = next;
  }
}

function print(branch: Branch, name: string, depth: number): void {
  const perOp = branch.ms / operations.length;
  if (perOp < minMs || depth > maxDepth) return;
  console.log(`${"  ".repeat(depth)}${perOp.toFixed(3)} ${name}`);
  for (const [child, next] of [...branch.children].sort((a, b) => b[1].ms - a[1].ms)) print(next, child, depth + 1);
}
if (bySelf) {
  console.log(`${worker}: self time, ms per operation (mean of ${operations.length}), functions over ${minMs} ms`);
  for (const [name, ms] of [...selfMs].sort((a, b) => b[1] - a[1])) {
    if (ms / operations.length >= minMs) console.log(`  ${(ms / operations.length).toFixed(3)} ${name}`);
  }
} else print(tree, `${worker}: ms per operation (mean of ${operations.length}), paths over ${minMs} ms`, 0);
