// Runs one of this package's TypeScript scripts under plain Node: bundles its own and the
// workspace's TypeScript with the esbuild that wrangler already ships (no extra dependency),
// leaves npm packages to Node (resolved from the importing file), and imports the bundle.
// Usage: node scripts/run.mjs scripts/scenarios.ts [args...]
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const entry = process.argv[2];
if (!entry) {
  console.error("usage: node scripts/run.mjs <script.ts> [args...]");
  process.exit(2);
}
const require = createRequire(import.meta.url);
const esbuild = createRequire(require.resolve("wrangler"))("esbuild");

/** The file an ESM import of `specifier` from `importer` loads. */
function resolveEsm(specifier, importer) {
  const [scope, name, ...rest] = specifier.startsWith("@")
    ? specifier.split("/")
    : [undefined, ...specifier.split("/")];
  const pkg = scope ? `${scope}/${name}` : name;
  const sub = rest.length ? `./${rest.join("/")}` : ".";
  let manifestPath;
  for (let dir = dirname(importer); !manifestPath; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", pkg, "package.json");
    if (existsSync(candidate)) manifestPath = candidate;
    else if (dirname(dir) === dir) throw new Error(`cannot find ${pkg}`);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  const pick = (e) => (typeof e === "string" ? e : e && (pick(e.node) ?? pick(e.import) ?? pick(e.default)));
  const exp = manifest.exports;
  const target = exp
    ? pick(
        typeof exp === "string" || !Object.keys(exp).some((k) => k.startsWith("."))
          ? sub === "."
            ? exp
            : undefined
          : exp[sub],
      )
    : undefined;
  return join(dirname(manifestPath), target ?? (sub === "." ? (manifest.module ?? manifest.main ?? "index.js") : sub));
}

const nodePackages = {
  name: "node-packages",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (
        args.path.startsWith("@atomic-guide/") ||
        args.path.startsWith("node:") ||
        args.path.startsWith("cloudflare:")
      )
        return undefined;
      try {
        return { path: pathToFileURL(resolveEsm(args.path, args.importer)).href, external: true };
      } catch {
        return { path: args.path, external: true };
      }
    });
    // Bundled files keep knowing where they live (testing/system.ts finds the repo from it).
    build.onLoad({ filter: /\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, "utf8").replaceAll("import.meta.dirname", JSON.stringify(dirname(args.path))),
      loader: "ts",
    }));
  },
};

const dir = mkdtempSync(join(tmpdir(), "sd-script-"));
const outfile = join(dir, "script.mjs");
try {
  await esbuild.build({
    entryPoints: [resolve(entry)],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile,
    logLevel: "error",
    plugins: [nodePackages],
  });
  process.argv.splice(2, 1);
  await import(pathToFileURL(outfile).href);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
