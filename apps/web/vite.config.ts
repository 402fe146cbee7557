import { defineConfig } from "vite";

// The gateway's launch page names exactly /app/main.js and /app/main.css (docs/web-app.md), so the
// entry and its stylesheet keep fixed names; lazily loaded views get hashed chunk names.
export default defineConfig({
  base: "/app/",
  publicDir: false,
  build: {
    outDir: "dist/app",
    emptyOutDir: true,
    target: "es2022",
    cssCodeSplit: false,
    modulePreload: false,
    sourcemap: false,
    rollupOptions: {
      input: "src/main.ts",
      output: {
        entryFileNames: "main.js",
        chunkFileNames: "chunks/[name]-[hash].js",
        assetFileNames: (asset) =>
          (asset.names ?? []).some((n) => n.endsWith(".css")) ? "main.css" : "assets/[name]-[hash][extname]",
      },
    },
  },
});
