// Bundle and upload sizes for docs/benchmarks.md: the built bundles, and wrangler's own
// "Total Upload" from a dry-run deploy of each Worker.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { SERVICE_NAMES } from "@atomic-guide/testing/vitest-workers";

/** Each Worker's built bundle and its gzip size, as Cloudflare counts the compressed limit. */
export function bundleSizes(root: string): string[] {
  const lines = ["| Worker | bundle | gzip | Cloudflare limit (gzip, paid / free) |", "| --- | ---: | ---: | --- |"];
  for (const s of SERVICE_NAMES) {
    const file = join(root, "services", s, "dist", "index.js");
    if (!existsSync(file)) continue;
    const raw = readFileSync(file);
    lines.push(
      `| ${s} | ${(raw.length / 1024).toFixed(1)} KiB | ${(gzipSync(raw).length / 1024).toFixed(1)} KiB | 10 MiB / 3 MiB |`,
    );
  }
  return lines;
}

/** wrangler's own "Total Upload" line per Worker, built into a temporary directory. */
export function uploadSizes(root: string): string[] {
  const lines = ["| Worker | wrangler `Total Upload` |", "| --- | --- |"];
  for (const s of SERVICE_NAMES) {
    const outdir = mkdtempSync(join(tmpdir(), `bench-${s}-`));
    try {
      const out = execFileSync("wrangler", ["deploy", "--dry-run", "--outdir", outdir], {
        cwd: join(root, "services", s),
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
      const total = /Total Upload:\s*([^\n]+)/.exec(out)?.[1]?.trim() ?? "not printed";
      lines.push(`| ${s} | ${total} |`);
    } catch (e) {
      lines.push(`| ${s} | dry run failed: ${String(e).slice(0, 80)} |`);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }
  return lines;
}
