// One vitest configuration for every service: its tests run inside workerd (the Workers
// Vitest integration) with the service's own wrangler.jsonc, its migrations applied to a real
// local D1 before each test file, and the services it binds running beside it as auxiliary
// Workers built from their dist/ (internal services are never replaced by doubles).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { SERVICE_NAMES, type ServiceName } from "@atomic-guide/shared/service-names";
import { cloudflareTest, type D1Migration, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { DAY_MS, requestedOffsetDays } from "./clock-offset.js";

export { SERVICE_NAMES, type ServiceName };

export interface ServiceTestOptions {
  service: ServiceName;
  /** Extra bindings for tests only (secrets a developer would keep in .dev.vars). */
  bindings?: Record<string, unknown>;
  /**
   * Doubles of the outside world that a binding reaches (e.g. Workers AI): Workers run beside
   * the service, and the service bindings, by binding name, that point at them.
   */
  outsideWorld?: {
    workers: { name: string; modules: true; scriptPath: string; compatibilityDate: string }[];
    serviceBindings: Record<string, { name: string }>;
  };
  /**
   * Tenant databases (binding names such as `DB_TENANT_TEST`) bound beside `DB` and migrated
   * like it, so tests can prove a tenant's rows land in its own database.
   */
  tenantDatabases?: string[];
}

const root = join(import.meta.dirname, "..", "..");
const configPath = (s: ServiceName) => join(root, "services", s, "wrangler.jsonc");
const workerName = (s: ServiceName) => `atomic-guide-${s}`;
const serviceOf = (name: string) => SERVICE_NAMES.find((s) => workerName(s) === name);

// Only these option groups are carried over: wrangler knows bindings that the test runner's
// Miniflare may not, and auxiliary Workers need nothing else.
const CARRIED = [
  "compatibilityDate",
  "versionMetadata",
  "compatibilityFlags",
  "kvNamespaces",
  "r2Buckets",
  "d1Databases",
  "durableObjects",
  "serviceBindings",
  // The gateway's web app (apps/web/dist), which it serves under /app/*.
  "assets",
] as const;

type WorkerOptions = Record<string, unknown> & {
  bindings?: Record<string, unknown>;
  d1Databases?: Record<string, { id: string }>;
  serviceBindings?: Record<string, { name: string }>;
};

/** Whether a service has a D1 database (the gateway has none: its state is in KV). */
export const ownsD1 = (service: ServiceName) => workerOptionsOf(service).d1Databases?.DB !== undefined;

/** Days the clock runs ahead in this run (ATOMIC_CLOCK_OFFSET_DAYS; 0 in a normal run). */
export const CLOCK_OFFSET_DAYS = requestedOffsetDays();

export function workerOptionsOf(service: ServiceName): WorkerOptions {
  const options = unstable_getMiniflareWorkerOptions(configPath(service)).workerOptions as unknown as WorkerOptions;
  // The setup file (tests/support/apply-migrations.ts) shifts the test isolate's clock by this.
  if (CLOCK_OFFSET_DAYS) options.bindings = { ...options.bindings, TEST_CLOCK_OFFSET_DAYS: CLOCK_OFFSET_DAYS };
  return options;
}

/** The services `service` reaches over bindings, directly or through another service. */
export function boundServices(service: ServiceName): ServiceName[] {
  const seen = new Set<ServiceName>();
  const visit = (s: ServiceName) => {
    for (const binding of Object.values(workerOptionsOf(s).serviceBindings ?? {})) {
      const target = serviceOf(binding.name);
      if (target && !seen.has(target)) {
        seen.add(target);
        visit(target);
      }
    }
  };
  visit(service);
  return [...seen];
}

/** Builds a service bundle when it is missing (turbo builds it first in `npm test`). */
export function ensureBuilt(service: ServiceName): string {
  const script = join(root, "services", service, "dist", "index.js");
  if (!existsSync(script)) {
    const r = spawnSync("wrangler", ["deploy", "--dry-run", "--outdir", "dist"], {
      cwd: join(root, "services", service),
      stdio: "inherit",
    });
    if (r.status !== 0) throw new Error(`could not build ${service} for the tests`);
  }
  return script;
}

/**
 * How an auxiliary Worker's code is loaded. With a shifted clock it starts from an entry that
 * shifts its isolate's clock before its bundle (and so its Durable Objects) evaluates: a
 * module's body runs after all its imports, in import order, so the shift is its own module
 * imported first. The modules are listed by hand: Miniflare does not follow re-exports.
 */
function codeOf(bundle: string, durableObjectClasses: string[]) {
  const root = dirname(bundle);
  if (!CLOCK_OFFSET_DAYS) return { modules: true, scriptPath: bundle, modulesRoot: root };
  const module = (name: string, contents: string) => ({ type: "ESModule" as const, path: join(root, name), contents });
  // Its own Durable Object classes are re-exported shifting their alarms too (clock-offset.js);
  // a local export takes precedence over the same name from `export *`.
  const shifted = durableObjectClasses.map((c) => `export const ${c} = withShiftedAlarms(bundle.${c});\n`).join("");
  return {
    modulesRoot: root,
    modules: [
      module(
        "clock-shifted-entry.js",
        'import "./clock-install.js";\nimport { withShiftedAlarms } from "./clock-offset.js";\nimport * as bundle from "./index.js";\n' +
          'export * from "./index.js";\nexport { default } from "./index.js";\n' +
          shifted,
      ),
      module(
        "clock-install.js",
        `import { installClockOffset } from "./clock-offset.js";\ninstallClockOffset(${CLOCK_OFFSET_DAYS * DAY_MS});\n`,
      ),
      module("clock-offset.js", readFileSync(join(import.meta.dirname, "clock-offset.js"), "utf8")),
      module("index.js", readFileSync(bundle, "utf8")),
    ],
  };
}

/** The Durable Object classes a Worker defines itself (not those bound from another Worker). */
function ownDurableObjectClasses(options: WorkerOptions): string[] {
  const bindings = Object.values((options as { durableObjects?: Record<string, unknown> }).durableObjects ?? {});
  const names = bindings.flatMap((b) => {
    if (typeof b === "string") return [b];
    const { className, scriptName } = b as { className: string; scriptName?: string };
    return scriptName === undefined ? [className] : [];
  });
  return [...new Set(names)];
}

export function auxiliaryWorker(service: ServiceName, extraBindings: Record<string, unknown> = {}) {
  const options = workerOptionsOf(service);
  const carried = Object.fromEntries(CARRIED.filter((k) => k in options).map((k) => [k, options[k]]));
  return {
    name: workerName(service),
    // Module names may not climb out of the root with "..", so they are rooted at the bundle.
    ...codeOf(ensureBuilt(service), ownDurableObjectClasses(options)),
    ...carried,
    bindings: { ...options.bindings, ENVIRONMENT: "test", ...extraBindings },
  };
}

/** Test-only binding name through which the setup file migrates a bound service's D1. */
export const auxDbBinding = (s: ServiceName) => `TEST_DB_${s.toUpperCase().replaceAll("-", "_")}`;

/** `options` may be built when vitest starts, e.g. around a double's server it has to start first. */
export function serviceTestConfig(optionsOrBuild: ServiceTestOptions | (() => Promise<ServiceTestOptions>)) {
  return defineConfig(async () => {
    const options = typeof optionsOrBuild === "function" ? await optionsOrBuild() : optionsOrBuild;
    const own = workerOptionsOf(options.service);
    const aux = boundServices(options.service);
    const auxMigrations: Record<string, D1Migration[]> = {};
    const auxDbs: Record<string, { id: string }> = {};
    for (const s of aux) {
      const db = workerOptionsOf(s).d1Databases?.DB;
      if (!db) continue;
      auxDbs[auxDbBinding(s)] = db;
      auxMigrations[auxDbBinding(s)] = await readD1Migrations(join(root, "migrations", s));
    }
    const ownMigrations = own.d1Databases?.DB ? await readD1Migrations(join(root, "migrations", options.service)) : [];
    const tenantDbs: Record<string, { id: string }> = {};
    for (const binding of options.tenantDatabases ?? []) {
      tenantDbs[binding] = { id: `${workerName(options.service)}-${binding.toLowerCase()}` };
      auxMigrations[binding] = ownMigrations;
    }
    return {
      plugins: [
        cloudflareTest({
          // Workers AI has no local simulator; tests replace it at the binding.
          remoteBindings: false,
          wrangler: { configPath: configPath(options.service) },
          miniflare: {
            workers: [...aux.map((s) => auxiliaryWorker(s)), ...(options.outsideWorld?.workers ?? [])],
            // Given here, the service's own bindings are replaced, not merged: so they are repeated.
            ...(options.outsideWorld
              ? { serviceBindings: { ...own.serviceBindings, ...options.outsideWorld.serviceBindings } }
              : {}),
            d1Databases: { ...own.d1Databases, ...auxDbs, ...tenantDbs },
            bindings: {
              ...own.bindings,
              ENVIRONMENT: "test",
              TEST_MIGRATIONS: ownMigrations,
              TEST_AUX_MIGRATIONS: auxMigrations,
              ...options.bindings,
            },
          },
        }),
      ],
      test: {
        include: ["src/**/*.test.ts"],
        // A hang guard, not a speed check: on a loaded 2-core machine a test that runs a few
        // dozen requests through workerd can take longer than vitest's 5 s default.
        testTimeout: 30_000,
        setupFiles: [join(root, "tests", "support", "apply-migrations.ts")],
      },
    };
  });
}
