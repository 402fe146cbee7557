// Builds a Worker the way it ships, `wrangler deploy --dry-run --outdir`, into a directory of the
// bench's choosing (a temporary one), so a measurement never depends on what dist/ holds.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

export interface BuiltBundle {
  script: string;
  /** wrangler's own "Total Upload" line. */
  totalUpload: string;
}

/** `minify` undefined keeps the Worker's own setting; true or false overrides it. */
export function dryRunBuild(workerDir: string, outdir: string, minify?: boolean): BuiltBundle {
  const args = ["deploy", "--dry-run", "--outdir", outdir];
  if (minify !== undefined) args.push(minify ? "--minify" : "--no-minify");
  const out = execFileSync("wrangler", args, { cwd: workerDir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return {
    script: join(outdir, "index.js"),
    totalUpload: /Total Upload:\s*([^\n]+)/.exec(out)?.[1]?.trim() ?? "not printed",
  };
}
