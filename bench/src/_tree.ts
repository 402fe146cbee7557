// scratch: top-down call tree, inclusive ms per operation (not committed)
import { readFileSync } from "node:fs";
import { BundleSources } from "./profiler";
const [dir, worker, minArg, depthArg] = process.argv.slice(2);
const min = Number(minArg ?? 0.03), maxDepth = Number(depthArg ?? 14);
const prof = JSON.parse(readFileSync(`${dir}/atomic-guide-${worker}.cpuprofile`, "utf8"));
const windows = JSON.parse(readFileSync(`${dir}/windows.json`, "utf8")).operations as { fromUs: number; toUs: number }[];
const ops = windows.length;
const lo = windows[0]!.fromUs, hi = windows[windows.length - 1]!.toUs;
const sources = new BundleSources(new Map([[`atomic-guide-${worker}`, `/work/main/services/${worker}/dist/index.js`]]));
const nodes = new Map<number, any>(prof.nodes.map((n: any) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n: any) => {
  const f = n.callFrame;
  if (!f.url) return f.functionName || "(native)";
  const s = sources.source(`atomic-guide-${worker}`, f);
  return `${f.functionName || "(anon)"} ${s ? s.path.replace(/^.*?\/(services|packages|node_modules)\//, "$1/") + ":" + s.line : f.url}`;
};
type T = { ms: number; kids: Map<string, T> };
const root: T = { ms: 0, kids: new Map() };
let t = prof.startTime;
const samples = prof.samples, deltas = prof.timeDeltas;
for (let i = 0; i < samples.length; i++) {
  t += deltas[i];
  if (t < lo || t > hi) continue;
  const us = Math.min(deltas[i + 1] ?? 100, 100);
  let id = samples[i];
  if (nodes.get(id).callFrame.functionName === "(idle)") continue;
  const stack: string[] = [];
  while (id !== undefined) { const n = nodes.get(id); if (n.callFrame.functionName !== "(root)") stack.push(label(n)); id = parent.get(id); }
  stack.reverse();
  let cur = root; cur.ms += us / 1000;
  for (const s of stack) { let k = cur.kids.get(s); if (!k) { k = { ms: 0, kids: new Map() }; cur.kids.set(s, k); } k.ms += us / 1000; cur = k; }
}
const print = (t: T, name: string, d: number) => {
  if (t.ms / ops < min || d > maxDepth) return;
  console.log(`${"  ".repeat(d)}${(t.ms / ops).toFixed(3)} ${name}`);
  [...t.kids].sort((a, b) => b[1].ms - a[1].ms).forEach(([n, k]) => print(k, n, d + 1));
};
print(root, `TOTAL (${ops} ops)`, 0);
