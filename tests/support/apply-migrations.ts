// Runs inside workerd before each test file: shifts the clock when the run asks for it
// (ATOMIC_CLOCK_OFFSET_DAYS, see clock-offset.js), then brings the file's isolated D1 to the
// current schema (when its Worker has one), and the D1 of every service it binds (reached through TEST_DB_* bindings).
import { applyD1Migrations, type D1Migration, env } from "cloudflare:test";
import { DAY_MS, installClockOffset } from "./clock-offset.js";

installClockOffset(Number(env.TEST_CLOCK_OFFSET_DAYS ?? 0) * DAY_MS);

const bindings = env as unknown as Record<string, D1Database | undefined>;
// The gateway has no D1 of its own (its state is in KV).
if (bindings.DB) await applyD1Migrations(bindings.DB, env.TEST_MIGRATIONS);
for (const [binding, migrations] of Object.entries(env.TEST_AUX_MIGRATIONS ?? {})) {
  const db = bindings[binding];
  if (db) await applyD1Migrations(db, migrations as D1Migration[]);
}
