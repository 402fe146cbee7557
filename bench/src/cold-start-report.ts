// The "Cold start" section of docs/benchmarks.md (every full run; `--no-cold` leaves it out).
import { COMPILE_REPS, type ColdRow, type ColdStartResult } from "./cold-start";

const f = (n: number | undefined, digits = 1) => (n === undefined || !Number.isFinite(n) ? "n/a" : n.toFixed(digits));

export function coldStartSection(result: ColdStartResult | undefined): string {
  if (!result) {
    return "\n## Cold start\n\nLeft out of this run (`--no-cold`, or `--only` without `--cold`); a full `npm run bench` measures it.\n";
  }
  const empty = (label: string) => result.rows.find((r) => r.label === label && r.variant === "empty");
  const load = (r: ColdRow) => {
    const base = empty(r.label);
    return r.variant === "empty" || !base ? undefined : r.median.startupCpuMs - base.median.startupCpuMs;
  };
  const table = [
    "| Worker | build | bundle KiB | gzip KiB | V8 compile in Node ms (proxy) | load CPU in workerd ms (over empty) | workerd start-up CPU ms | ready ms | first response ms | first request JS CPU ms | second response ms | second request JS CPU ms |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...result.rows.map(
      (r) =>
        `| ${r.label} | ${r.variant === "empty" ? "empty module, same bindings" : r.variant} | ${r.variant === "empty" ? "– | – | –" : `${f(r.bundleKiB)} | ${f(r.gzipKiB)} | ${f(r.compileMs)}`} | ${r.variant === "empty" ? "–" : f(load(r))} | ${f(r.median.startupCpuMs)} | ${f(r.median.readyMs, 0)} | ${f(r.median.firstMs)} | ${f(r.median.firstJsMs, 2)} | ${f(r.median.warmMs)} | ${f(r.median.warmJsMs, 2)} |`,
    ),
  ];
  return `
## Cold start

Each Worker alone in a fresh workerd (its own Miniflare; service bindings to stub Workers, the
same KV, D1, R2 and Durable Object bindings as in the system), started ${result.runs} times per
build; figures are medians. workerd parses, compiles and evaluates a Worker's modules when it
starts, before it answers anything, so a bundle's **load cost** is workerd's start-up CPU (all
threads, \`/proc\` schedstat) with the bundle minus the same with an empty module that has the
same bindings and Durable Object classes: parse, compile and top-level evaluation in the real
runtime, which on Cloudflare is paid when an isolate starts. Then the Worker's **first request**
(\`GET ${result.probePath}\`, a path no Worker routes, so it measures the start of the request path,
the router and the error answer, not a route's own work) and a **second** one, each timed and
profiled with V8's sampling profiler (JS CPU of that request in the Worker's isolate, lazy
compilation of the functions it runs included). "ready" is the wall time from starting Miniflare
to workerd serving, which includes spawning the process. Both builds come from
\`wrangler deploy --dry-run\` (\`--minify\` / \`--no-minify\`); our Workers ship minified with source
maps, the peer as its app ships it (not minified); the shipped build of ours is \`services/*/dist\`
as this run built it. "V8 compile in Node" is a proxy measured outside workerd: the bundle compiled
as an ES module in a child Node process (\`vm.SourceTextModule\`: parse and top-level compile, inner
functions pre-parsed, nothing evaluated), the median CPU time of ${COMPILE_REPS} compiles taken in turn; it isolates the parse cost
that minification changes, which the start-up CPU difference shows only through the noise of the
whole process starting.

${table.join("\n")}

Building the bundles not shipped that way took ${f(result.buildSeconds, 0)} s; the whole section ${f(result.seconds, 0)} s.
`;
}
