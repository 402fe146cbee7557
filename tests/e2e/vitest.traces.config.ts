import { defineConfig } from "vitest/config";

// `pnpm run traces`: records browser traces of the agreed archetypes into bench/traces/browser.
// Not part of the test suite (it writes files); the e2e config does not include it.
export default defineConfig({
  test: {
    include: ["src/traces/record.traces.ts"],
    testTimeout: 300_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
