// `npm run replay -- [--gateway http://localhost:8787] <dir|file.json ...>`
// Replays recorded learner sessions (atomic-guide-trace/1) through the gateway, one freshly
// launched learner per trace, and prints precision, recall, false-positive rate per archetype
// and time to detection. Without --gateway it boots the whole system in one Miniflare from the
// built bundles (`pnpm turbo run build` first); with it, it talks to a running system
// (`npm start`), registering the simulated LMS with ADMIN_TOKEN (env or services/lti-gateway/.dev.vars).
// Default traces: bench/traces/generator and bench/traces/browser.
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { parseArgs } from "node:util";
import { closePlatforms } from "../../testing/flows";
import { type RunningSystem, startSystem, TEST_ADMIN_TOKEN } from "../../testing/system";
import { loadTraces } from "./lib/format";
import type { Gateway } from "./lib/run-traces";
import { replayThroughGateway } from "./lib/run-traces";
import { evaluate, formatReport } from "./lib/score";

const root = join(import.meta.dirname, "..", "..");
const cwd = process.env.INIT_CWD ?? process.cwd();
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { gateway: { type: "string" }, verbose: { type: "boolean", default: false } },
});
const defaults = ["generator", "browser"].map((d) => join(root, "bench", "traces", d)).filter((p) => existsSync(p));
const paths = positionals.length > 0 ? positionals.map((p) => (isAbsolute(p) ? p : join(cwd, p))) : defaults;
const traces = loadTraces(paths);
if (traces.length === 0) throw new Error("no traces found");

function adminToken(): string {
  if (process.env.ADMIN_TOKEN) return process.env.ADMIN_TOKEN;
  const vars = readFileSync(join(root, "services", "lti-gateway", ".dev.vars"), "utf8");
  const line = vars.split("\n").find((l) => l.startsWith("ADMIN_TOKEN="));
  if (!line) throw new Error("no ADMIN_TOKEN: export it or run `npm start` once");
  return line.slice("ADMIN_TOKEN=".length).trim().replace(/^"|"$/g, "");
}

/** A running gateway, reached over HTTP; the simulated LMS registers with the real admin token. */
function remoteGateway(base: string): Gateway {
  const token = adminToken();
  return {
    fetch: (path, init) => {
      const headers = new Headers(init?.headers);
      if (path.startsWith("/admin/") && headers.get("Authorization") === `Bearer ${TEST_ADMIN_TOKEN}`) {
        headers.set("Authorization", `Bearer ${token}`);
      }
      return fetch(new URL(path, base), { ...init, headers });
    },
  };
}

const system: RunningSystem | undefined = values.gateway ? undefined : await startSystem();
const gateway: Gateway = system ?? remoteGateway(values.gateway as string);
try {
  console.log(`replaying ${traces.length} traces through ${values.gateway ?? "the in-process system"}`);
  const results = await replayThroughGateway(gateway, traces, {
    onResult: (file, r) => {
      if (values.verbose)
        console.log(`${relative(root, file)}: ${r.detected ? "struggling" : "-"} (max score ${r.maxScore})`);
    },
  });
  console.log(formatReport(evaluate(results)));
} finally {
  await closePlatforms(gateway as RunningSystem);
  await system?.dispose();
}
