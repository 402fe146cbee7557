// Boots the whole system, all four Workers from their built bundles, in one Miniflare with
// real service bindings, Durable Objects, D1, KV and R2, and migrates the D1 of every service
// that has one (the gateway keeps its state in KV).
// Used by the integration suite, the chaos test and the benchmarks.
import { join } from "node:path";
import { readD1Migrations } from "@cloudflare/vitest-plugin";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { startProcessPair } from "./objects-process";
import { auxiliaryWorker, ownsD1, SERVICE_NAMES, type ServiceName } from "./vitest-workers";

const root = join(import.meta.dirname, "..", "..");

export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789abcdefghijklmnopqrstuvwxyz";
export const TEST_SECRETS = {
  ADMIN_TOKEN: TEST_ADMIN_TOKEN,
  KEY_WRAPPING_SECRET: "v1.test-key-wrapping-secret-0123456789abcdef",
  API_TOKEN_SECRET: "v1.test-api-token-secret-0123456789abcdefgh",
};

export interface RunningSystem {
  mf: Miniflare;
  /** Sends a request to the gateway, the only public Worker. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  db(service: ServiceName): Promise<D1Database>;
  /** A tenant database (`tenantDatabases`) of one service. */
  tenantDb(service: ServiceName, binding: string): Promise<D1Database>;
  /** The loopback URL of a Worker started with `directSockets`. */
  directUrl(workerName: string): Promise<URL>;
  dispose(): Promise<void>;
}

/** Applies a service's migrations the way wrangler does, recording them in d1_migrations. */
export async function migrate(db: D1Database, service: ServiceName): Promise<void> {
  await db
    .prepare(
      "CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)",
    )
    .run();
  const applied = new Set(
    (await db.prepare("SELECT name FROM d1_migrations").all<{ name: string }>()).results.map((r) => r.name),
  );
  for (const m of await readD1Migrations(join(root, "migrations", service))) {
    if (applied.has(m.name)) continue;
    await db.batch([
      ...m.queries.map((q) => db.prepare(q)),
      db.prepare("INSERT INTO d1_migrations (name) VALUES (?)").bind(m.name),
    ]);
  }
}

export interface SystemOptions {
  bindings?: Partial<Record<ServiceName, Record<string, unknown>>>;
  /** More Workers on the same workerd (the benchmarks' hello-world floor). */
  extraWorkers?: Record<string, unknown>[];
  /** Give the gateway and each extra Worker its own loopback socket, straight into workerd. */
  directSockets?: boolean;
  /** Services replaced by a Worker that fails every call, to prove the others do without them. */
  down?: ServiceName[];
  /**
   * The gateway without its web app's assets layer (the bench, which requests no /app/* file:
   * locally the layer is a router Worker in front of every gateway request).
   */
  withoutAssets?: boolean;
  /** Opens workerd's inspector (Chrome DevTools protocol) on this port: the bench's CPU profiler. */
  inspectorPort?: number;
  /** With `objectsApart: "process"`, the objects process's inspector port. */
  objectsInspectorPort?: number;
  /**
   * Tenant databases (binding names such as `DB_TENANT_ACME`), each bound in every service with
   * D1 beside its `DB` and migrated like it, as `scripts/ops/tenant-db.mjs add` does in a real account.
   */
  tenantDatabases?: string[];
  /**
   * Each service's Durable Objects in a Worker of their own (`<worker>-objects`, the same bundle
   * and bindings), bound from the service by script name: on Cloudflare an object's calls are its
   * own invocations, with their own CPU limit, so the bench's profiler reads them apart.
   * `"process"` runs those Workers in a second workerd (objects-process.ts), so starting an
   * object is that process's work, as it is the object's own machine's on Cloudflare.
   */
  objectsApart?: boolean | "process";
}

const tenantDatabaseId = (service: ServiceName, binding: string) => `atomic-guide-${service}-${binding.toLowerCase()}`;

/** What a stopped service looks like from its callers: every fetch 503, every RPC method missing. */
const DOWN_SERVICE = `import { WorkerEntrypoint } from "cloudflare:workers";
export default class Down extends WorkerEntrypoint {
  fetch() { return new Response("service stopped", { status: 503 }); }
}`;

function withTenantDatabases<W extends object>(worker: W, service: ServiceName, bindings: string[]): W {
  if (bindings.length === 0 || !ownsD1(service)) return worker;
  const own = Object.fromEntries(bindings.map((b) => [b, { id: tenantDatabaseId(service, b) }]));
  const shared = (worker as { d1Databases?: Record<string, unknown> }).d1Databases;
  return { ...worker, d1Databases: { ...shared, ...own } };
}

function withoutAssetsIf<W extends object>(drop: boolean, worker: W): W {
  if (!drop) return worker;
  const { assets: _assets, ...rest } = worker as W & { assets?: unknown };
  return rest as W;
}

/** The name of the Worker that runs a service's Durable Objects under `objectsApart`. */
export const objectsWorkerOf = (worker: string) => `${worker}-objects`;

/** The service's Worker, its objects bound from their own Worker, and that objects Worker. */
function withObjectsApart(worker: Record<string, unknown>): Record<string, unknown>[] {
  const own = worker.durableObjects as Record<string, string | { className: string }> | undefined;
  if (!own || Object.keys(own).length === 0) return [worker];
  const objects = objectsWorkerOf(String(worker.name));
  const bound = Object.fromEntries(
    Object.entries(own).map(([binding, b]) => [
      binding,
      { className: typeof b === "string" ? b : b.className, scriptName: objects },
    ]),
  );
  // Nothing outside reaches the objects Worker but its objects' calls: no socket, no assets.
  const { unsafeDirectSockets: _direct, assets: _assets, ...rest } = worker;
  return [
    { ...worker, durableObjects: bound },
    { ...rest, name: objects },
  ];
}

export async function startSystem(options: SystemOptions = {}): Promise<RunningSystem> {
  const direct = options.directSockets ? { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] } : {};
  // The gateway comes first: Miniflare's dispatchFetch enters through the first Worker.
  const services: Record<string, unknown>[] = SERVICE_NAMES.map((s) =>
    options.down?.includes(s)
      ? { name: `atomic-guide-${s}`, modules: true, script: DOWN_SERVICE, compatibilityDate: "2026-10-01" }
      : withTenantDatabases(
          {
            ...withoutAssetsIf(
              options.withoutAssets === true,
              auxiliaryWorker(s, { ...(s === "lti-gateway" ? TEST_SECRETS : {}), ...options.bindings?.[s] }),
            ),
            ...(s === "lti-gateway" ? direct : {}),
          },
          s,
          options.tenantDatabases ?? [],
        ),
  );
  const workers = [
    // The gateway stays first; each objects Worker follows its service.
    ...(options.objectsApart ? services.flatMap(withObjectsApart) : services),
    ...(options.extraWorkers ?? []).map((w) => ({ ...w, ...direct })),
  ];
  const isObjects = (w: Record<string, unknown>) =>
    options.objectsApart === "process" && services.some((s) => objectsWorkerOf(String(s.name)) === w.name);
  const pair =
    options.objectsApart === "process"
      ? await startProcessPair({
          frontWorkers: workers.filter((w) => !isObjects(w)),
          objectWorkers: workers.filter(isObjects),
          inspectorPort: options.inspectorPort,
          objectsInspectorPort: options.objectsInspectorPort,
        })
      : undefined;
  const inspector = options.inspectorPort === undefined ? {} : { inspectorPort: options.inspectorPort };
  const mf = pair?.front ?? new Miniflare(convertV4MiniflareOptions({ workers, ...inspector } as never));
  await mf.ready;
  const db = (s: ServiceName) => mf.getD1Database("DB", `atomic-guide-${s}`) as unknown as Promise<D1Database>;
  const tenantDb = (s: ServiceName, binding: string) =>
    mf.getD1Database(binding, `atomic-guide-${s}`) as unknown as Promise<D1Database>;
  for (const s of SERVICE_NAMES) {
    if (options.down?.includes(s) || !ownsD1(s)) continue;
    await migrate(await db(s), s);
    for (const binding of options.tenantDatabases ?? []) await migrate(await tenantDb(s, binding), s);
  }
  return {
    mf,
    fetch: (path, init) =>
      mf.dispatchFetch(`http://localhost:8787${path}`, init as never) as unknown as Promise<Response>,
    db,
    tenantDb,
    directUrl: (name) => mf.unsafeGetDirectURL(name) as Promise<URL>,
    dispose: () => (pair ? pair.dispose() : mf.dispose()),
  };
}
