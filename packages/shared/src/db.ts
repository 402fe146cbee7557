import { Kysely } from "kysely";
import * as v from "valibot";
import { D1BindingNameSchema } from "./auth-context";
import { d1Dialect } from "./d1-dialect";
import { withD1Metrics } from "./metrics/d1-metrics";
import { withD1Resilience } from "./resilience/guarded-d1";

/** What the factory needs to know about a tenant to find its data. */
export interface TenantRef {
  tenantId: string;
  /** The owning service, for query metrics and fault injection. */
  service: string;
  /** A dedicated D1 binding named in the tenant record; absent means the service's shared `DB`. */
  d1Binding?: string | undefined;
}

export interface TenantDb<Schema> {
  readonly tenantId: string;
  readonly db: Kysely<Schema>;
  /** The raw binding, for `batch()` (kysely-d1 has no transactions) and health probes. */
  readonly d1: D1Database;
}

const cache = new WeakMap<D1Database, { d1: D1Database; db: Kysely<unknown> }>();

function resolveBinding(env: object, ref: TenantRef): D1Database {
  const name = ref.d1Binding ? v.parse(D1BindingNameSchema, ref.d1Binding) : "DB";
  const binding = (env as Record<string, unknown>)[name];
  if (!binding || typeof (binding as D1Database).prepare !== "function") {
    throw new Error(`Tenant ${ref.tenantId} names D1 binding ${name}, which this Worker does not have`);
  }
  return binding as D1Database;
}

/**
 * The one way services reach D1. Every table carries `tenant_id`; repositories receive a
 * TenantDb and scope each query by its tenantId. A tenant moved to a dedicated database only
 * changes `d1Binding` in its tenant record; no query changes.
 */
export function tenantDb<Schema>(env: object, ref: TenantRef): TenantDb<Schema> {
  const raw = resolveBinding(env, ref);
  let entry = cache.get(raw);
  if (!entry) {
    // Every query passes the resilience layer (circuit breaker, bounded retries of transient
    // errors, and fault injection in local and test only) and then metrics, in that order, so
    // injected and real failures are measured alike.
    const d1 = withD1Metrics(withD1Resilience(raw, env, ref.service, ref.d1Binding ?? "DB"), env, ref.service);
    entry = { d1, db: new Kysely<unknown>({ dialect: d1Dialect(d1) }) };
    cache.set(raw, entry);
  }
  return { tenantId: ref.tenantId, db: entry.db as Kysely<Schema>, d1: entry.d1 };
}

/**
 * Every D1 binding this Worker has, the shared `DB` first, then each tenant database
 * (`DB_TENANT_*`) by name: what a job that is no one tenant's (a retention sweep) iterates, so a
 * tenant database added by `scripts/ops/tenant-db.mjs` is covered without a list to edit.
 */
export function boundD1Bindings(env: object): string[] {
  const names = Object.entries(env)
    .filter(([name, value]) => v.is(D1BindingNameSchema, name) && typeof (value as D1Database)?.prepare === "function")
    .map(([name]) => name);
  return names.sort((a, b) => (a === "DB" ? -1 : b === "DB" ? 1 : a.localeCompare(b)));
}

/** Service-wide access for work that is not one tenant's (retention jobs, outbox replay). */
export function serviceDb<Schema>(env: object, service: string, binding = "DB"): TenantDb<Schema> {
  return tenantDb<Schema>(env, { tenantId: "*", service, d1Binding: binding === "DB" ? undefined : binding });
}

/** A compiled kysely query as a D1 statement, for `d1.batch()` (kysely-d1 runs one query at a time). */
export const d1Statement = (d1: D1Database, compiled: { sql: string; parameters: readonly unknown[] }) =>
  d1.prepare(compiled.sql).bind(...compiled.parameters);
