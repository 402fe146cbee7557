// Proves every service bundles for each deploy target without an account, printing bundle sizes.
import { join } from "node:path";
import { mustRun, ok, root, SERVICES, step } from "./lib.mjs";

const envs = process.argv.includes("--all-envs") ? ["staging", "production"] : ["production"];
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
