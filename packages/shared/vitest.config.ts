// packages/shared's tests run inside workerd like the services' (the Workers Vitest
// integration), with a small test Worker hosting the Durable Object the outbox lives in, a
// real local D1 and a KV namespace. No wrangler config: everything is declared here.
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest({
      main: "./test-worker/worker.ts",
      miniflare: {
        compatibilityDate: "2026-10-01",
        d1Databases: { DB: "shared-test-db" },
        kvNamespaces: { SNAPSHOTS: "shared-test-snapshots" },
        durableObjects: { OUTBOX_HOST: { className: "OutboxHostDO", useSQLite: true } },
        bindings: { ENVIRONMENT: "test" },
      },
    }),
  ],
  test: {
    include: ["src/**/*.test.ts"],
  },
});
