// Chat's tests replace only the outside world: Workers AI by a double bound as `AI` (an
// auxiliary Worker with the binding's `run` shape) and the external API by a real
// OpenAI-compatible HTTP server on loopback. Everything else is serviceTestConfig's setup.
import { join } from "node:path";
import { auxDbBinding, auxiliaryWorker, boundServices, workerOptionsOf } from "@atomic-guide/testing/vitest-workers";
import { cloudflareTest, type D1Migration, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { startOpenAiServer, TEST_API_KEY } from "./src/testing/openai-server.ts";

const root = join(import.meta.dirname, "..", "..");

export default defineConfig(async () => {
  const own = workerOptionsOf("chat");
  const aux = boundServices("chat");
  const auxMigrations: Record<string, D1Migration[]> = {};
  const auxDbs: Record<string, { id: string }> = {};
  for (const s of aux) {
    const db = workerOptionsOf(s).d1Databases?.DB;
    if (!db) continue;
    auxDbs[auxDbBinding(s)] = db;
    auxMigrations[auxDbBinding(s)] = await readD1Migrations(join(root, "migrations", s));
  }
  // A tenant database beside DB, migrated like it: conversations follow a tenant that moved.
  const chatMigrations = await readD1Migrations(join(root, "migrations", "chat"));
  auxMigrations.DB_TENANT_TEST = chatMigrations;
  const external = await startOpenAiServer();
  return {
    plugins: [
      cloudflareTest({
        remoteBindings: false,
        wrangler: { configPath: join(import.meta.dirname, "wrangler.jsonc") },
        miniflare: {
          workers: [
            ...aux.map((s) => auxiliaryWorker(s)),
            {
              name: "chat-ai-double",
              modules: true,
              scriptPath: join(import.meta.dirname, "src", "testing", "ai-double.js"),
              compatibilityDate: "2026-10-01",
            },
          ],
          serviceBindings: { ...own.serviceBindings, AI: { name: "chat-ai-double" } },
          d1Databases: { ...own.d1Databases, ...auxDbs, DB_TENANT_TEST: { id: "atomic-guide-chat-db_tenant_test" } },
          bindings: {
            ...own.bindings,
            ENVIRONMENT: "test",
            EXTERNAL_AI_BASE_URL: external.baseUrl,
            EXTERNAL_AI_API_KEY: TEST_API_KEY,
            // Hang guards, not speed limits: a healthy double on a loaded CI machine must never
            // miss them, so only the [[ai:hang]]/[[ext:hang]] tests ever reach them.
            AI_FIRST_TOKEN_TIMEOUT_MS: 5000,
            AI_TIMEOUT_MS: 20000,
            TEST_MIGRATIONS: chatMigrations,
            TEST_AUX_MIGRATIONS: auxMigrations,
          },
        },
      }),
    ],
    test: {
      include: ["src/**/*.test.ts"],
      // As every Workers suite: a hang guard, not a speed limit (a loaded machine is not a failure).
      testTimeout: 30_000,
      setupFiles: [join(root, "tests", "support", "apply-migrations.ts")],
    },
  };
});
