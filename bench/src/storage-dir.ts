// Where workerd keeps the local D1, KV, R2 and Durable Object files during a run. Miniflare puts
// them under the OS temp directory; on this machine that is a disk, and every new Durable Object,
// D1 write and WAL checkpoint then waits for file syscalls on the thread that made it. Cloudflare
// runs that storage on the object's and the database's own machines, outside the Worker's CPU
// time, so by default the bench points the temp directory at RAM (/dev/shm) to measure the
// Workers rather than this machine's disk. `--disk` keeps the OS temp directory, for comparison.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const MEMORY_ROOT = "/dev/shm";

/** Points this process's temp directory (Miniflare reads it) at RAM unless `--disk`; says where. */
export function chooseStorageDir(argv: string[]): string {
  if (argv.includes("--disk")) return `on disk (\`--disk\`, ${tmpdir()})`;
  if (!existsSync(MEMORY_ROOT)) return `on disk (${tmpdir()}; this machine has no ${MEMORY_ROOT})`;
  const dir = mkdtempSync(join(MEMORY_ROOT, "atomic-bench-"));
  process.env.TMPDIR = dir;
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  return `in RAM (a tmpfs directory under ${MEMORY_ROOT}; \`--disk\` keeps them on disk)`;
}
