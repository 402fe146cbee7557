// How each service must be deployed, read from the change itself rather than chosen by hand:
//   first-deploy  the service has no wrangler.jsonc at the base: the Worker does not exist yet;
//   full-deploy   the change adds a Durable Object migration tag (a class added, renamed or
//                 deleted: a version upload is refused with error 10211) or a new D1 database,
//                 KV namespace or R2 bucket in the environment (created by `wrangler deploy`'s
//                 provisioning, which a version upload does not do);
//   gradual       anything else: versions upload + traffic steps.
// Both configs are read as JSONC from git (base and head), so no checkout of the base is needed.
import { execFileSync } from "node:child_process";
import { parseJsonc } from "./jsonc.mjs";
import { configPath, DEPLOY_ORDER, root } from "./lib.mjs";

export { parseJsonc };

/** What a config gives one environment: DO migration tags and the resources it binds. */
export function resourcesOf(config, env) {
  const scoped = config.env?.[env] ?? {};
  // Durable Object migrations are read from the environment when it sets them, else the top level.
  const migrations = scoped.migrations ?? config.migrations ?? [];
  const pick = (key) => scoped[key] ?? [];
  return {
    tags: migrations.map((m) => m.tag),
    resources: [
      ...pick("d1_databases").map((d) => `d1:${d.database_name ?? d.binding}`),
      ...pick("kv_namespaces").map((k) => `kv:${k.binding}`),
      ...pick("r2_buckets").map((r) => `r2:${r.bucket_name ?? r.binding}`),
    ],
  };
}

/** The deploy mode of one service between two configs (null base: the service is new). */
export function modeBetween(baseConfig, headConfig, env) {
  if (!baseConfig) return { mode: "first-deploy", reason: "new service: the Worker does not exist yet" };
  const base = resourcesOf(baseConfig, env);
  const head = resourcesOf(headConfig, env);
  const newTags = head.tags.filter((t) => !base.tags.includes(t));
  if (newTags.length)
    return { mode: "full-deploy", reason: `Durable Object migration ${newTags.join(", ")} (class change)` };
  const added = head.resources.filter((r) => !base.resources.includes(r));
  if (added.length) return { mode: "full-deploy", reason: `new ${added.join(", ")} (provisioned by wrangler deploy)` };
  return { mode: "gradual", reason: "no Durable Object class or new resource" };
}

function configAt(ref, service) {
  try {
    const text = execFileSync("git", ["show", `${ref}:${configPath(service)}`], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    return parseJsonc(text);
  } catch {
    return null;
  }
}

/** Modes for `services` between two commits; without a base every service deploys gradually. */
export function detectModes(services, { base, head = "HEAD", env }) {
  const modes = {};
  if (base) {
    // An unknown base is an error, not "every service is new".
    execFileSync("git", ["rev-parse", "--verify", "--quiet", `${base}^{commit}`], { cwd: root, stdio: "ignore" });
  }
  for (const s of DEPLOY_ORDER.filter((x) => services.includes(x))) {
    if (!base) {
      modes[s] = { mode: "gradual", reason: "no base commit to compare with" };
      continue;
    }
    modes[s] = modeBetween(configAt(base, s), configAt(head, s), env);
  }
  return modes;
}
