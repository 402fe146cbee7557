// Runs inside workerd before each test file: shifts the clock when the run asks for it
// (ATOMIC_CLOCK_OFFSET_DAYS, see clock-offset.js), then brings the file's isolated D1 to the
// current schema (when its Worker has one), and the D1 of every service it binds (reached through TEST_DB_* bindings).
import { applyD1Migrations, type D1Migration, env, runInDurableObject } from "cloudflare:test";
import { DAY_MS, installClockOffset, shiftAlarms } from "./clock-offset.js";

const offsetDays = Number(env.TEST_CLOCK_OFFSET_DAYS ?? 0);
installClockOffset(offsetDays * DAY_MS);
if (offsetDays) {
  // The Worker's own objects run in this isolate and share one storage prototype: any object's
  // storage reaches it (clock-offset.js, shiftAlarms).
  const namespace = Object.values(env as Record<string, unknown>).find(
    // By class name: a service binding's RPC stub answers every property with a function.
    (b): b is DurableObjectNamespace =>
      typeof b === "object" && b !== null && b.constructor?.name === "DurableObjectNamespace",
  );
  if (namespace)
    await runInDurableObject(namespace.get(namespace.idFromName("clock-offset-probe")), (_instance, state) =>
      shiftAlarms(state.storage),
    );
}

const bindings = env as unknown as Record<string, D1Database | undefined>;
// The gateway has no D1 of its own (its state is in KV).
if (bindings.DB) await applyD1Migrations(bindings.DB, env.TEST_MIGRATIONS);
for (const [binding, migrations] of Object.entries(env.TEST_AUX_MIGRATIONS ?? {})) {
  const db = bindings[binding];
  if (db) await applyD1Migrations(db, migrations as D1Migration[]);
}
