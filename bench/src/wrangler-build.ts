// Builds a Worker the way it ships, `wrangler deploy --dry-run --outdir`, into a directory of the
// bench's choosing (a temporary one), so a measurement never depends on what dist/ holds.
import { execFile, execFileSync } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

export interface BuiltBundle {
  script: string;
  /** wrangler's own "Total Upload" line. */
  totalUpload: string;
}

/** `minify` undefined keeps the Worker's own setting; true or false overrides it. */
function buildArgs(outdir: string, minify?: boolean): string[] {
  const args = ["deploy", "--dry-run", "--outdir", outdir];
  if (minify !== undefined) args.push(minify ? "--minify" : "--no-minify");
  return args;
}

const built = (outdir: string, out: string): BuiltBundle => ({
  script: join(outdir, "index.js"),
  totalUpload: /Total Upload:\s*([^\n]+)/.exec(out)?.[1]?.trim() ?? "not printed",
});

export function dryRunBuild(workerDir: string, outdir: string, minify?: boolean): BuiltBundle {
  const out = execFileSync("wrangler", buildArgs(outdir, minify), {
    cwd: workerDir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return built(outdir, out);
}

/** The same, without blocking: several Workers build at once. */
export async function dryRunBuildAsync(workerDir: string, outdir: string, minify?: boolean): Promise<BuiltBundle> {
  const { stdout } = await promisify(execFile)("wrangler", buildArgs(outdir, minify), {
    cwd: workerDir,
    encoding: "utf8",
  });
  return built(outdir, stdout);
}
