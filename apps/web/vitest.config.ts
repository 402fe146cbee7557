import { defineConfig } from "vitest/config";

// Pure logic only (parsers, batching, rendering to a node tree): plain Node, no DOM emulation.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
