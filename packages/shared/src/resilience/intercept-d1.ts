/**
 * A D1 binding whose every execution (statement first/all/run/raw, batch, exec) passes through
 * `around`, so wrappers (fault injection, the circuit breaker, metrics) compose without each
 * re-implementing D1's surface. Wrappers nest: a batch unwraps one level per layer.
 */
export interface D1Call {
  kind: "first" | "all" | "run" | "raw" | "batch" | "exec";
  /** The SQL of each statement involved, in order. */
  sql: string[];
}
export type D1Around = <R>(call: D1Call, run: () => Promise<R>) => Promise<R>;

interface Wrapped {
  inner: D1PreparedStatement;
  sql: string;
}
const wrappedStatements = new WeakMap<object, Wrapped>();

function wrapStatement(inner: D1PreparedStatement, sql: string, around: D1Around): D1PreparedStatement {
  const call = (kind: D1Call["kind"]): D1Call => ({ kind, sql: [sql] });
  const statement = {
    bind: (...values: unknown[]) => wrapStatement(inner.bind(...values), sql, around),
    first: (column?: string) =>
      around(call("first"), () => (column === undefined ? inner.first() : inner.first(column))),
    run: () => around(call("run"), () => inner.run()),
    all: () => around(call("all"), () => inner.all()),
    raw: (options?: { columnNames?: boolean }) =>
      around(call("raw"), () =>
        options?.columnNames ? inner.raw({ columnNames: true }) : inner.raw({ columnNames: false }),
      ),
  };
  wrappedStatements.set(statement, { inner, sql });
  return statement as unknown as D1PreparedStatement;
}

const unwrap = (s: D1PreparedStatement) => wrappedStatements.get(s)?.inner ?? s;
const sqlOf = (s: D1PreparedStatement) => wrappedStatements.get(s)?.sql ?? "";

interface D1Like {
  prepare(query: string): D1PreparedStatement;
  batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]>;
}

function interceptSurface<T extends D1Like>(target: T, around: D1Around, extra: Record<string, unknown>): T {
  const surface: Record<string, unknown> = {
    prepare: (query: string) => wrapStatement(target.prepare(query), query, around),
    batch: (statements: D1PreparedStatement[]) =>
      around({ kind: "batch", sql: statements.map(sqlOf) }, () => target.batch(statements.map(unwrap))),
    ...extra,
  };
  return new Proxy(target, {
    get(t, prop) {
      if (typeof prop === "string" && prop in surface) return surface[prop];
      // Native bindings need the native object as `this`, never the proxy.
      const value = Reflect.get(t, prop, t);
      return typeof value === "function" ? value.bind(t) : value;
    },
  });
}

export function interceptD1(db: D1Database, around: D1Around): D1Database {
  return interceptSurface(db, around, {
    exec: (query: string) => around({ kind: "exec", sql: [query] }, () => db.exec(query)),
    withSession: (constraint?: D1SessionBookmark | D1SessionConstraint) =>
      interceptSurface(db.withSession(constraint), around, {}),
  });
}
