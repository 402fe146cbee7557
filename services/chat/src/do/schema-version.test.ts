import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { ensureSchema, SCHEMA_VERSION_KEY } from "@atomic-guide/shared/do-schema";
import { describe, expect, it } from "vitest";

const tables = (storage: DurableObjectStorage) =>
  storage.sql
    .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'zz_%' ORDER BY name")
    .toArray()
    .map((r) => r.name);

describe("a Durable Object's schema, created once per version", () => {
  it("skips the DDL while the version is recorded, and runs it again after deleteAll or a new version", async () => {
    const stub = env.CHAT_TENANT_BUDGETS.get(env.CHAT_TENANT_BUDGETS.idFromName(`schema-${crypto.randomUUID()}`));
    await runInDurableObject(stub, async (_instance, state) => {
      const { storage } = state;
      ensureSchema(
        storage,
        "v1",
        "CREATE TABLE IF NOT EXISTS zz_a (x INTEGER); CREATE TABLE IF NOT EXISTS zz_b (y TEXT)",
      );
      expect(tables(storage)).toEqual(["zz_a", "zz_b"]);
      expect(storage.kv.get(SCHEMA_VERSION_KEY)).toBe("v1");
      // Recorded: a woken object's DDL is not run (zz_c would appear if it were).
      ensureSchema(storage, "v1", "CREATE TABLE IF NOT EXISTS zz_c (z INTEGER)");
      expect(tables(storage)).toEqual(["zz_a", "zz_b"]);
      // deleteAll takes the mark with the tables: the same instance creates them again.
      await storage.deleteAll();
      ensureSchema(storage, "v1", "CREATE TABLE IF NOT EXISTS zz_a (x INTEGER)");
      expect(tables(storage)).toEqual(["zz_a"]);
      // A new version runs its DDL once over the old tables.
      ensureSchema(
        storage,
        "v2",
        "CREATE TABLE IF NOT EXISTS zz_a (x INTEGER); CREATE TABLE IF NOT EXISTS zz_d (w TEXT)",
      );
      expect(tables(storage)).toEqual(["zz_a", "zz_d"]);
      expect(storage.kv.get(SCHEMA_VERSION_KEY)).toBe("v2");
    });
  });
});
