// Test fixture for the backup tests (roundtrip.test.mjs, restore-drill.test.mjs): a throwaway
// wrangler config binding every D1 service's database and the backup bucket locally, migrated
// with real wrangler, and runners for wrangler and the operator scripts against it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { D1_SERVICES, root } from "./lib.mjs";

/** The binding a service's database has in the fixture config. */
export const binding = (svc) => `DB_${svc.toUpperCase().replaceAll("-", "_")}`;

/** Runs a command from the repository root; never throws. */
export function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8" });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}`, stdout: r.stdout };
}

/** Runs wrangler and fails the test when it fails; returns its stdout. */
export function wrangler(...args) {
  const r = run(join(root, "node_modules", ".bin", "wrangler"), args);
  assert.equal(r.code, 0, `wrangler ${args.join(" ")}\n${r.out}`);
  return r.stdout;
}

/** Runs an operator script (scripts/ops/<name>); the caller asserts on its exit code. */
export const script = (name, ...args) => run(process.execPath, [join(root, "scripts", "ops", name), ...args]);

/**
 * Creates the fixture in a new temporary folder. `idDigit` keeps each test file's database
 * ids apart. `migrate()` applies every service's migrations; `dispose()` removes the folder.
 */
export function localD1Fixture(name, idDigit) {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const config = join(dir, "wrangler.jsonc");
  writeFileSync(
    config,
    JSON.stringify({
      name,
      compatibility_date: "2026-10-01",
      d1_databases: D1_SERVICES.map((svc, i) => ({
        binding: binding(svc),
        database_name: `atomic-guide-${svc}`,
        database_id: `00000000-0000-4000-8000-0000000000${idDigit}${i}`,
        migrations_dir: join(root, "migrations", svc),
      })),
      r2_buckets: [{ binding: "BACKUPS", bucket_name: "atomic-guide-backups" }],
    }),
  );
  return {
    dir,
    config,
    migrate() {
      for (const svc of D1_SERVICES)
        wrangler("d1", "migrations", "apply", `atomic-guide-${svc}`, "--local", "-c", config);
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
