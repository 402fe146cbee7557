import { type Dialect, SqliteAdapter } from "kysely";
import { D1Dialect } from "kysely-d1";

/**
 * kysely's SQLite adapter says a database has one connection, so kysely queues every query of a
 * Kysely instance behind a lock (a promise). A D1 binding has no connection to guard: each query
 * is its own call, and D1 orders them. With one Kysely per isolate (db.ts) that lock was shared
 * by every request the isolate served: their queries ran one at a time, and when a request was
 * torn down while holding it (a waitUntil past its limit, a cancelled call), the lock was never
 * released, so every later query of that isolate waited forever and workerd cancelled it as hung.
 */
class D1Adapter extends SqliteAdapter {
  override get supportsMultipleConnections(): boolean {
    return true;
  }
}

/** kysely-d1's dialect with queries that run side by side, never queued behind another request's. */
export function d1Dialect(database: D1Database): Dialect {
  const base = new D1Dialect({ database });
  return {
    createAdapter: () => new D1Adapter(),
    createDriver: () => base.createDriver(),
    createQueryCompiler: () => base.createQueryCompiler(),
    createIntrospector: (db) => base.createIntrospector(db),
  };
}
