import { Kysely } from "kysely";
import { D1Dialect } from "kysely-d1";
import * as v from "valibot";
import { D1BindingNameSchema } from "./auth-context";

/** What the factory needs to know about a tenant to find its data. */
export interface TenantRef {
  tenantId: string;
  /** A dedicated D1 binding named in the tenant record; absent means the service's shared `DB`. */
  d1Binding?: string | undefined;
}

export interface TenantDb<Schema> {
  readonly tenantId: string;
  readonly db: Kysely<Schema>;
  /** The raw binding, for `batch()` (kysely-d1 has no transactions) and health probes. */
  readonly d1: D1Database;
}

const cache = new WeakMap<D1Database, Kysely<unknown>>();

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
  const d1 = resolveBinding(env, ref);
  let db = cache.get(d1) as Kysely<Schema> | undefined;
  if (!db) {
    db = new Kysely<Schema>({ dialect: new D1Dialect({ database: d1 }) });
    cache.set(d1, db as Kysely<unknown>);
  }
  return { tenantId: ref.tenantId, db, d1 };
}

/** Service-wide access for work that is not one tenant's (health probes, retention jobs). */
export function serviceDb<Schema>(env: object, binding = "DB"): Kysely<Schema> {
  return tenantDb<Schema>(env, { tenantId: "*", d1Binding: binding === "DB" ? undefined : binding }).db;
}
