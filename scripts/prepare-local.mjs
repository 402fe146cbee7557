// Makes a machine ready to run the system locally: secrets in .dev.vars and the D1 of every
// service that has one migrated. Safe to run again: existing secrets are kept, applied migrations are skipped.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { mustRun, ok, ownsD1, PERSIST_DIR, root, SERVICES, step } from "./lib.mjs";

/**
 * Local secrets per service; each is generated once and never overwritten. The gateway's two
 * versioned secrets start at v1; a legacy KEY_ENCRYPTION_SECRET already in the file is left as
 * it is (it becomes the "v0" ring entry) and never generated on a new machine.
 */
const LOCAL_SECRETS = {
  "lti-gateway": {
    ADMIN_TOKEN: () => randomBytes(32).toString("base64url"),
    KEY_WRAPPING_SECRET: () => `v1.${randomBytes(32).toString("base64url")}`,
    API_TOKEN_SECRET: () => `v1.${randomBytes(32).toString("base64url")}`,
  },
};

export function ensureDevVars() {
  for (const [service, secrets] of Object.entries(LOCAL_SECRETS)) {
    const file = join(root, "services", service, ".dev.vars");
    const existing = existsSync(file) ? readFileSync(file, "utf8") : "";
    const present = new Set(
      existing
        .split("\n")
        .map((l) => l.split("=")[0]?.trim())
        .filter(Boolean),
    );
    const missing = Object.entries(secrets).filter(([k]) => !present.has(k));
    if (missing.length === 0) {
      step(`services/${service}/.dev.vars already has its secrets`);
      continue;
    }
    const lines = missing.map(([k, make]) => `${k}=${make()}`);
    const prefix = existing && !existing.endsWith("\n") ? "\n" : "";
    writeFileSync(file, `${existing}${prefix}${lines.join("\n")}\n`, { mode: 0o600 });
    ok(`wrote ${missing.map(([k]) => k).join(", ")} to services/${service}/.dev.vars`);
  }
}

export async function migrateLocal() {
  for (const service of SERVICES.filter(ownsD1)) {
    step(`applying ${service} D1 migrations (local)`);
    await mustRun(
      `${service} migrations`,
      "wrangler",
      [
        "d1",
        "migrations",
        "apply",
        "DB",
        "--local",
        "--persist-to",
        PERSIST_DIR,
        "-c",
        join(root, "services", service, "wrangler.jsonc"),
      ],
      { quiet: true, env: { ...process.env, CI: "true" } },
    );
  }
  ok("every service's local D1 is migrated");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureDevVars();
  await migrateLocal();
}
