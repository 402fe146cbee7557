import { defineConfig } from "vitest/config";

// Runs in Node and drives Debian's Chromium against the system booted in Miniflare.
export default defineConfig({
  test: {
    include: ["src/**/*.e2e.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
