// The deploy rehearsal must fail where a real deploy would. One fresh clone, the gateway's
// staging job only: first with the web app build removed from the workflow (the gateway's
// assets directory is then missing and wrangler refuses), then as committed (it passes).
// Slow (a dependency install in the clone), so it runs the one job that matters.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { freshClone } from "./rehearse-deploy.mjs";

const script = join(import.meta.dirname, "rehearse-deploy.mjs");
const { dir } = freshClone("HEAD");
after(() => rmSync(dir, { recursive: true, force: true }));

function rehearseGateway() {
  const r = spawnSync(
    process.execPath,
    [script, "--workflow", "deploy-staging.yml", "--input", "services=lti-gateway", "--checkout", dir],
    { encoding: "utf8", timeout: 15 * 60_000 },
  );
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe("deploy rehearsal", { timeout: 30 * 60_000 }, () => {
  it("fails the gateway job when the workflow no longer builds the web app", () => {
    const file = join(dir, ".github", "workflows", "deploy-service.yml");
    const original = readFileSync(file, "utf8");
    const withoutBuild = original.replace(/\n {6}- name: Build the web app the gateway serves\n(?: {8}.*\n)+/, "\n");
    assert.notEqual(withoutBuild, original, "the workflow has no web app build step to remove");
    writeFileSync(file, withoutBuild);
    const broken = rehearseGateway();
    writeFileSync(file, original);
    assert.equal(broken.code, 1, broken.out);
    assert.match(broken.out, /lti-gateway \/ deploy: "Deploy" failed/);
    assert.match(broken.out, /apps\/web\/dist/);
  });

  it("passes the gateway job as committed, running only wrangler's dry runs", () => {
    const ok = rehearseGateway();
    assert.equal(ok.code, 0, ok.out);
    assert.match(ok.out, /rehearsal: \$ wrangler versions upload .*--dry-run/);
    // The gateway has no D1 (its state is in KV): the job neither bookmarks nor migrates.
    assert.match(ok.out, /No D1 database to migrate \(lti-gateway has none\)/);
    assert.doesNotMatch(ok.out, /\$ wrangler d1 /);
    assert.match(ok.out, /── analytics: skipped/);
  });
});
