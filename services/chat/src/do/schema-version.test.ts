import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { ensureSchema, LEGACY_SCHEMA_VERSION_KEY, SCHEMA_MARK_PREFIX } from "@atomic-guide/shared/do-schema";
import { describe, expect, it } from "vitest";

const tables = (storage: DurableObjectStorage) =>
  storage.sql
    .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'zz_%' ORDER BY name")
    .toArray()
    .map((r) => r.name);

/** The versions the object is marked with (one, once marked). */
const mark = (storage: DurableObjectStorage) =>
  storage.sql
    .exec<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '\\_schema\\_mark\\_%' ESCAPE '\\'",
    )
    .toArray()
    .map((r) => r.name.slice(SCHEMA_MARK_PREFIX.length));

/** A fresh object of its own, with none of the budget object's tables in the way of the assertions. */
const freshStub = () =>
  env.CHAT_TENANT_BUDGETS.get(env.CHAT_TENANT_BUDGETS.idFromName(`schema-${crypto.randomUUID()}`));

describe("a Durable Object's schema, created once per version", () => {
  it("skips the DDL while the version is recorded, and runs it again after deleteAll or a new version", async () => {
    await runInDurableObject(freshStub(), async (_instance, state) => {
      const { storage } = state;
      await storage.deleteAll();
      ensureSchema(
        storage,
        "v1",
        "CREATE TABLE IF NOT EXISTS zz_a (x INTEGER); CREATE TABLE IF NOT EXISTS zz_b (y TEXT)",
      );
      expect(tables(storage)).toEqual(["zz_a", "zz_b"]);
      expect(mark(storage)).toEqual(["v1"]);
      // Recorded: a woken object's DDL is not run (zz_c would appear if it were).
      ensureSchema(storage, "v1", "CREATE TABLE IF NOT EXISTS zz_c (z INTEGER)");
      expect(tables(storage)).toEqual(["zz_a", "zz_b"]);
      // deleteAll takes the mark with the tables: the same instance creates them again.
      await storage.deleteAll();
      ensureSchema(storage, "v1", "CREATE TABLE IF NOT EXISTS zz_a (x INTEGER)");
      expect(tables(storage)).toEqual(["zz_a"]);
      // A new version runs its DDL once over the old tables, and the mark holds one row.
      ensureSchema(
        storage,
        "v2",
        "CREATE TABLE IF NOT EXISTS zz_a (x INTEGER); CREATE TABLE IF NOT EXISTS zz_d (w TEXT)",
      );
      expect(tables(storage)).toEqual(["zz_a", "zz_d"]);
      expect(mark(storage)).toEqual(["v2"]);
    });
  });

  it("runs the DDL once more for an object marked the old way (key-value storage), then clears that mark", async () => {
    await runInDurableObject(freshStub(), async (_instance, state) => {
      const { storage } = state;
      await storage.deleteAll();
      // The object as the key-value mark left it: tables, the mark at the current version, no mark table.
      storage.sql.exec("CREATE TABLE zz_a (x INTEGER)");
      storage.kv.put(LEGACY_SCHEMA_VERSION_KEY, "v1");
      ensureSchema(
        storage,
        "v1",
        "CREATE TABLE IF NOT EXISTS zz_a (x INTEGER); CREATE TABLE IF NOT EXISTS zz_e (v TEXT)",
      );
      expect(tables(storage)).toEqual(["zz_a", "zz_e"]);
      expect(mark(storage)).toEqual(["v1"]);
      expect(storage.kv.get(LEGACY_SCHEMA_VERSION_KEY)).toBeUndefined();
    });
  });

  it("creates a new object's tables without the upgrade step, which only an object that had tables runs", async () => {
    await runInDurableObject(freshStub(), async (_instance, state) => {
      const { storage } = state;
      await storage.deleteAll();
      const upgraded: string[] = [];
      ensureSchema(storage, "v1", "CREATE TABLE IF NOT EXISTS zz_a (x INTEGER);\n", () => upgraded.push("v1"));
      expect(tables(storage)).toEqual(["zz_a"]);
      expect(mark(storage)).toEqual(["v1"]);
      expect(upgraded).toEqual([]);
      ensureSchema(storage, "v2", "CREATE TABLE IF NOT EXISTS zz_a (x INTEGER)", (sql) => {
        upgraded.push("v2");
        sql.exec("ALTER TABLE zz_a ADD COLUMN y TEXT");
      });
      expect(upgraded).toEqual(["v2"]);
      expect(storage.sql.exec("SELECT * FROM zz_a LIMIT 0").columnNames).toEqual(["x", "y"]);
      expect(mark(storage)).toEqual(["v2"]);
    });
  });

  it("refuses a version that is not a short word (it is written into the script)", async () => {
    await runInDurableObject(freshStub(), async (_instance, state) => {
      expect(() => ensureSchema(state.storage, "1'); DROP TABLE x; --", "SELECT 1")).toThrow(/short word/);
    });
  });
});
