// Proves every service bundles for each deploy target without an account, printing bundle sizes.
import { join } from "node:path";
import { mustRun, ok, root, SERVICES, step } from "./lib.mjs";

const envs = process.argv.includes("--all-envs") ? ["staging", "production"] : ["production"];
// The gateway serves the web app as its assets, so a deploy builds it first; so does this, and
// the dry run works on a fresh clone, not only after the tests happened to build it.
step("web app: vite build (the gateway's assets)");
await mustRun("web app build", "pnpm", ["--filter", "@atomic-guide/web", "run", "build"], { quiet: true, cwd: root });
ok("web app built");
for (const env of envs) {
  for (const service of SERVICES) {
    step(`${service} (${env}): wrangler deploy --dry-run`);
    const out = await mustRun(
      `${service} dry run`,
      "wrangler",
      [
        "deploy",
        "--dry-run",
        "--env",
        env,
        "--outdir",
        join(".tmp", "dry-run", env, service),
        "-c",
        join("services", service, "wrangler.jsonc"),
      ],
      { quiet: true, cwd: root },
    );
    const size = out.match(/Total Upload: ([^\n]+)/)?.[1] ?? "size not reported";
    ok(`${service} (${env}) bundles: ${size.trim()}`);
  }
}
