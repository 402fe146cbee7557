// Generates (or, with --check, verifies) a service's worker-configuration.d.ts.
// Only the service's own config is used: passing the configs of bound services (`-c ../chat/...`)
// would type-check their sources against this service's global Env. Service bindings are typed
// instead through the RPC interfaces in packages/shared/src/rpc/.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SERVICES } from "./lib.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

const [service, ...flags] = process.argv.slice(2);
if (!SERVICES.includes(service)) {
  console.error(`usage: gen-types.mjs <${SERVICES.join("|")}> [--check]`);
  process.exit(2);
}
// Relative paths: the command is recorded in the generated header, which must not depend on
// where the repository is checked out.
const configs = ["-c", "wrangler.jsonc"];
// An empty env file keeps a developer's local .dev.vars out of the committed types; secrets are
// declared in each wrangler.jsonc under "secrets".
// Env only: the runtime's types come from @cloudflare/workers-types, the one source every package
// (services, shared, tests, bench) uses, instead of a 10,000-line copy per service.
const args = [
  "types",
  "worker-configuration.d.ts",
  ...configs,
  "--env-file",
  "../../scripts/empty.env",
  "--include-runtime=false",
  ...flags,
];
const r = spawnSync("wrangler", args, { stdio: "inherit", cwd: join(root, "services", service) });
if (r.status !== 0 && flags.includes("--check")) {
  console.error(`${service}: worker-configuration.d.ts is stale; run \`pnpm types\` and commit the result.`);
}
process.exit(r.status ?? 1);
