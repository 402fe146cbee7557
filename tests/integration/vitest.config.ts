import { defineConfig } from "vitest/config";

// Runs in Node: the suite drives the whole system, booted in Miniflare, from outside.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // One system at a time on a 2-core machine.
    fileParallelism: false,
  },
});
