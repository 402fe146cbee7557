#!/usr/bin/env node
// Pins one tenant to the candidate version of every service at once (or unpins it), through the
// gateway's operator API, so its forwarded requests AND the gateway's RPC calls on its behalf
// reach the candidate (docs/operations.md, "Pins"). Candidates come from each service's rollout
// (scripts/ops/rollout.mjs upload/start/pin, or PUT /admin/rollout/:service).
//   node scripts/ops/pin-tenant.mjs <tenant> [--unpin] [--gateway <url>] [--dry-run]
// ADMIN_TOKEN in the environment; the gateway URL may also come from GATEWAY_URL.
import { envVar, parseCli, Runner, runMain, usageError } from "./lib.mjs";

const USAGE = "usage: pin-tenant.mjs <tenant> [--unpin] [--gateway <url>] [--dry-run]";
const { values, positionals } = parseCli({ unpin: { type: "boolean" }, gateway: { type: "string" } }, USAGE);
const tenant = positionals[0];
if (!tenant || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(tenant)) usageError("<tenant> must be a tenant id", USAGE);
const dryRun = Boolean(values["dry-run"]);
const gateway = (values.gateway ?? envVar("GATEWAY_URL") ?? (dryRun ? "$GATEWAY_URL" : "")).replace(/\/$/, "");
if (!gateway) usageError("--gateway <url> or GATEWAY_URL is required", USAGE);

runMain(async () => {
  const run = new Runner({ dryRun, total: 2 });
  run.step(values.unpin ? `unpin ${tenant} from every service` : `pin ${tenant} to every service's candidate`);
  await run.admin(values.unpin ? "DELETE" : "PUT", `${gateway}/admin/rollout/tenants/${tenant}`);
  run.step("where the tenant's calls now go");
  const rollout = await run.admin("GET", `${gateway}/admin/rollout`);
  const row = rollout?.tenants?.find((t) => t.tenantId === tenant);
  if (row) for (const [service, r] of Object.entries(row.services)) run.note(`${service}: ${r.version}`);
});
