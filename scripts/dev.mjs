// `npm start`: secrets, migrations, then all four Workers in one wrangler dev with live
// service bindings. The gateway is the primary Worker, on http://localhost:8787.
import { join } from "node:path";
import { mustRun, ok, PERSIST_DIR, root, run, SERVICES, step } from "./lib.mjs";
import { ensureDevVars, migrateLocal } from "./prepare-local.mjs";

ensureDevVars();
await migrateLocal();
step("building the web app (apps/web) that the gateway serves under /app");
await mustRun("web app build", "pnpm", ["--filter", "@atomic-guide/web", "run", "build"], { quiet: true });

const port = process.env.PORT ?? "8787";
step(`starting ${SERVICES.join(", ")} on http://localhost:${port} (Ctrl+C stops them)`);
step(`the operator token is ADMIN_TOKEN in services/lti-gateway/.dev.vars`);
const configs = SERVICES.flatMap((s) => ["-c", join(root, "services", s, "wrangler.jsonc")]);
const address = `http://localhost:${port}/`;

/** Says where to go once the gateway answers: the sample course with the built-in LMS. */
async function announceWhenUp() {
  for (let i = 0; i < 240; i++) {
    await new Promise((r) => setTimeout(r, 500));
    try {
      const res = await fetch(new URL("/health", address), { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200 || res.status === 503) {
        ok(`Atomic Guide is up. Open ${address} to launch the sample course as a learner or an instructor.`);
        return;
      }
    } catch {}
  }
}
void announceWhenUp();
const { code } = await run(
  "wrangler",
  [
    "dev",
    ...configs,
    "--persist-to",
    PERSIST_DIR,
    "--port",
    port,
    "--ip",
    "127.0.0.1",
    "--show-interactive-dev-session=false",
  ],
  {
    // No Worker reads request.cf, so wrangler's placeholder serves; left on, every start fetches
    // workers.cloudflare.com/cf.json and, offline, prints a DNS error stack twice.
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false" },
  },
);
process.exit(code);
