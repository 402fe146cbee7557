// Chat's tests replace only the outside world: Workers AI by a double bound as `AI` (an
// auxiliary Worker with the binding's `run` shape) and the external API by a real
// OpenAI-compatible HTTP server on loopback. Everything else is serviceTestConfig's setup.
import { join } from "node:path";
import { serviceTestConfig } from "@atomic-guide/testing/vitest-workers";
import { startOpenAiServer, TEST_API_KEY } from "./src/testing/openai-server.ts";

export default serviceTestConfig(async () => {
  const external = await startOpenAiServer();
  return {
    service: "chat",
    // A tenant database beside DB, migrated like it: conversations follow a tenant that moved.
    tenantDatabases: ["DB_TENANT_TEST"],
    outsideWorld: {
      workers: [
        {
          name: "chat-ai-double",
          modules: true,
          scriptPath: join(import.meta.dirname, "src", "testing", "ai-double.js"),
          compatibilityDate: "2026-10-01",
        },
      ],
      serviceBindings: { AI: { name: "chat-ai-double" } },
    },
    bindings: {
      EXTERNAL_AI_BASE_URL: external.baseUrl,
      EXTERNAL_AI_API_KEY: TEST_API_KEY,
      // Hang guards, not speed limits: a healthy double on a loaded CI machine must never
      // miss them, so only the [[ai:hang]]/[[ext:hang]] tests ever reach them.
      AI_FIRST_TOKEN_TIMEOUT_MS: 5000,
      AI_TIMEOUT_MS: 20000,
    },
  };
});
