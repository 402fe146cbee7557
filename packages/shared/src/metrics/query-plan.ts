import {
  type Compilable,
  type CompiledQuery,
  DummyDriver,
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from "kysely";

/** A kysely instance that compiles SQLite (D1) SQL and never connects: for building NamedQuery lists. */
export function planCompiler<Schema>(): Kysely<Schema> {
  return new Kysely<Schema>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  });
}

/**
 * A query a service declares for the performance gate. Each service exports
 * `namedQueries: NamedQuery[]`; its query-plan test (tests/support/query-plan-suite.ts) compiles
 * every one with sample arguments and checks the plan against the migrated schema.
 */
export interface NamedQuery {
  /** The name in the query's `/* name *\/` comment, as it appears in metrics. */
  name: string;
  /** Builds the query with representative arguments (nothing is executed). */
  build: () => Compilable<unknown> | CompiledQuery<unknown>;
  /** Tables this query may scan on purpose, each with the reason (small, bounded, or a retention sweep). */
  allowScan?: Readonly<Record<string, string>>;
}

export interface PlanRow {
  id: number;
  parent: number;
  detail: string;
}

export interface PlanViolation {
  query: string;
  table: string;
  detail: string;
}

export const compiledOf = (q: Compilable<unknown> | CompiledQuery<unknown>): CompiledQuery<unknown> =>
  "compile" in q ? q.compile() : q;

/** SQLite's plan for one compiled query, step by step. */
export async function planOf(db: D1Database, compiled: CompiledQuery<unknown>): Promise<PlanRow[]> {
  const plan = await db
    .prepare(`EXPLAIN QUERY PLAN ${compiled.sql}`)
    .bind(...compiled.parameters)
    .all<PlanRow>();
  return plan.results;
}

/**
 * Which plan steps read a real table without an index: `SCAN t`, `SCAN t USING INDEX` (a full
 * index walk), or an AUTOMATIC index (SQLite built one because none fits). Scans of subqueries,
 * CTEs and constant rows are not table reads.
 */
export function scansIn(rows: readonly PlanRow[], tables: ReadonlySet<string>): { table: string; detail: string }[] {
  const found: { table: string; detail: string }[] = [];
  for (const row of rows) {
    const scan = /^SCAN (\w+)/.exec(row.detail);
    const automatic = /^SEARCH (\w+) USING AUTOMATIC/.exec(row.detail);
    const table = scan?.[1] ?? automatic?.[1];
    if (table && tables.has(table)) found.push({ table, detail: row.detail });
  }
  return found;
}

/** Runs EXPLAIN QUERY PLAN for each query and returns every scan that is not allowed. */
export async function checkQueryPlans(db: D1Database, queries: readonly NamedQuery[]): Promise<PlanViolation[]> {
  const tableRows = await db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
    )
    .all<{ name: string }>();
  const tables = new Set(tableRows.results.map((r) => r.name));
  const violations: PlanViolation[] = [];
  for (const query of queries) {
    const compiled = compiledOf(query.build());
    if (!compiled.sql.includes(`/* ${query.name} */`)) {
      violations.push({ query: query.name, table: "-", detail: "the SQL does not carry its name comment" });
      continue;
    }
    for (const scan of scansIn(await planOf(db, compiled), tables)) {
      if (query.allowScan?.[scan.table]) continue;
      violations.push({ query: query.name, ...scan });
    }
  }
  return violations;
}
