import {
  D1BindingNameSchema,
  DEFAULT_LEARNER_DATA_RETENTION_DAYS,
  IdSchema,
  IsoTimestampSchema,
  LearnerDataRetentionDaysSchema,
  nowIso,
  TenantIdSchema,
} from "@atomic-guide/shared";
import * as v from "valibot";
import { readValuePage } from "../kv-page";

/** An institution. Every other service partitions its data by `tenantId`. */
export const TenantSchema = v.object({
  tenantId: TenantIdSchema,
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  /** A dedicated D1 binding for this tenant; absent means the shared `DB`. */
  d1Binding: v.optional(D1BindingNameSchema),
  /** Days learner data is kept after its last activity; absent means the default (docs/operations.md, "Retention"). */
  learnerDataRetentionDays: v.optional(LearnerDataRetentionDaysSchema),
  createdAt: IsoTimestampSchema,
  /**
   * The registration whose user and course ids are used unscoped (lti/id-namespace.ts). Claimed
   * once and never released, so a deleted platform's raw-id data never passes to a new one.
   */
  rawIdsRegistration: v.optional(v.object({ issuer: v.pipe(v.string(), v.maxLength(2048)), clientId: IdSchema })),
});
export type Tenant = v.InferOutput<typeof TenantSchema>;

const TENANT_PREFIX = "tenant:";
const tenantKey = (tenantId: string) => `${TENANT_PREFIX}${tenantId}`;

/** The retention period that applies to the tenant's learner data. */
export const retentionDaysOf = (tenant: Tenant): number =>
  tenant.learnerDataRetentionDays ?? DEFAULT_LEARNER_DATA_RETENTION_DAYS;

/** Replaces the tenant record (an operator's change to it). */
export async function putTenant(env: Env, tenant: Tenant): Promise<Tenant> {
  const valid = v.parse(TenantSchema, tenant);
  await env.PLATFORMS.put(tenantKey(valid.tenantId), JSON.stringify(valid));
  return valid;
}

/** Offboarding's last step; true when there was a record to delete. */
export async function deleteTenant(env: Env, tenantId: string): Promise<boolean> {
  if ((await env.PLATFORMS.get(tenantKey(tenantId))) === null) return false;
  await env.PLATFORMS.delete(tenantKey(tenantId));
  return true;
}

/** One page of tenant records: one KV list call and at most `limit` reads. */
export async function listTenantsPage(
  env: Env,
  opts: { cursor?: string | undefined; limit: number },
): Promise<{ tenants: Tenant[]; cursor?: string }> {
  const { values: tenants, cursor } = await readValuePage(env.PLATFORMS, TenantSchema, {
    prefix: TENANT_PREFIX,
    ...opts,
  });
  return cursor === undefined ? { tenants } : { tenants, cursor };
}

/** The tenant record, or null when there is none (or the stored JSON is not a tenant). */
export async function getTenant(env: Env, tenantId: string): Promise<Tenant | null> {
  if (!v.is(TenantIdSchema, tenantId)) return null;
  const raw = await env.PLATFORMS.get(tenantKey(tenantId), "json");
  const parsed = v.safeParse(TenantSchema, raw);
  return parsed.success ? parsed.output : null;
}

/** Creates the tenant if missing; an existing record keeps its createdAt and d1Binding. */
export async function ensureTenant(env: Env, input: { tenantId: string; name: string }): Promise<Tenant> {
  const existing = await getTenant(env, input.tenantId);
  if (existing) return existing;
  const tenant = v.parse(TenantSchema, { tenantId: input.tenantId, name: input.name, createdAt: nowIso() });
  await env.PLATFORMS.put(tenantKey(tenant.tenantId), JSON.stringify(tenant));
  return tenant;
}

/** Records which registration keeps raw ids; the rest of the record is kept as read. */
export async function putRawIdsRegistration(
  env: Env,
  tenant: Tenant,
  registration: { issuer: string; clientId: string },
): Promise<void> {
  const next = v.parse(TenantSchema, {
    ...tenant,
    rawIdsRegistration: { issuer: registration.issuer, clientId: registration.clientId },
  });
  await env.PLATFORMS.put(tenantKey(tenant.tenantId), JSON.stringify(next));
}

/** Thrown by createTenant when the id is taken: a new registration never joins a tenant silently. */
export class TenantExistsError extends Error {
  override readonly name = "TenantExistsError";
}

/** Creates a new tenant; refuses an id that already exists instead of joining it. */
export async function createTenant(env: Env, input: { tenantId: string; name: string }): Promise<Tenant> {
  if (await getTenant(env, input.tenantId)) throw new TenantExistsError(`tenant ${input.tenantId} exists`);
  const tenant = v.parse(TenantSchema, { tenantId: input.tenantId, name: input.name, createdAt: nowIso() });
  await env.PLATFORMS.put(tenantKey(tenant.tenantId), JSON.stringify(tenant));
  return tenant;
}

/** Derives a tenant slug from a platform name or host: lower-case, dash-separated, bounded. */
export function tenantSlug(source: string): string {
  const slug = source
    .toLowerCase()
    .replace(/^https?:\/\//, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48)
    .replace(/-+$/, "");
  return slug.length > 0 ? slug : "tenant";
}
