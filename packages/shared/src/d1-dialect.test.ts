import { env } from "cloudflare:workers";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { tenantDb } from "./db";

/** env.DB whose first `all()` waits until released: a query still out when others are asked. */
function holdingFirstQuery(db: D1Database) {
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let calls = 0;
  const binding = new Proxy(db, {
    get(target, prop) {
      if (prop !== "prepare") {
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      }
      return (query: string) => {
        const wrap = (statement: D1PreparedStatement): D1PreparedStatement =>
          new Proxy(statement, {
            get(s, p) {
              if (p === "bind") return (...values: unknown[]) => wrap(s.bind(...values));
              if (p === "all")
                return async () => {
                  if (++calls === 1) await held;
                  return s.all();
                };
              const value: unknown = Reflect.get(s, p, s);
              return typeof value === "function" ? value.bind(s) : value;
            },
          });
        return wrap(target.prepare(query));
      };
    },
  });
  return { binding, release };
}

describe("queries through tenantDb", () => {
  it("are not queued behind another caller's query still out (no lock shared across requests)", async () => {
    const { binding, release } = holdingFirstQuery(env.DB);
    const { db } = tenantDb({ DB: binding }, { tenantId: "acme", service: "test" });
    let firstSettled = false;
    const first = sql<{ n: number }>`SELECT 1 AS n`.execute(db).finally(() => {
      firstSettled = true;
    });
    // With kysely's SQLite adapter this waited for the first query's lock, which only its own
    // caller releases: a caller torn down while holding it stalled every later query.
    const second = await sql<{ n: number }>`SELECT 2 AS n`.execute(db);
    expect(second.rows).toEqual([{ n: 2 }]);
    expect(firstSettled).toBe(false);
    release();
    expect((await first).rows).toEqual([{ n: 1 }]);
  });
});
