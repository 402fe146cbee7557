// Deploy modes come from the change (deploy-mode.mjs): a Durable Object class change or a new
// database is a full deploy, a new service a first deploy, anything else gradual.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { detectModes, modeBetween, parseJsonc } from "./deploy-mode.mjs";
import { configPath } from "./lib.mjs";

const chat = () => parseJsonc(readFileSync(configPath("chat"), "utf8"));

describe("deploy mode from the diff", () => {
  it("reads the services' real wrangler.jsonc (comments, trailing commas)", () => {
    const c = chat();
    assert.equal(c.name, "atomic-guide-chat");
    assert.ok(c.migrations.length >= 1);
  });

  it("an unchanged config deploys gradually", () => {
    assert.equal(modeBetween(chat(), chat(), "production").mode, "gradual");
  });

  it("a new Durable Object migration tag is a full deploy (a version upload refuses it)", () => {
    const head = chat();
    head.migrations = [...head.migrations, { tag: "v99", new_sqlite_classes: ["ChatNewDO"] }];
    const m = modeBetween(chat(), head, "staging");
    assert.equal(m.mode, "full-deploy");
    assert.match(m.reason, /v99/);
  });

  it("a new D1 database in the environment is a full deploy; in another environment it is not", () => {
    const head = chat();
    head.env.production.d1_databases = [
      ...head.env.production.d1_databases,
      { binding: "DB_TENANT_ACME", database_name: "atomic-guide-chat-production-tenant-acme" },
    ];
    assert.equal(modeBetween(chat(), head, "production").mode, "full-deploy");
    assert.equal(modeBetween(chat(), head, "staging").mode, "gradual");
  });

  it("a service without a config at the base is a first deploy", () => {
    assert.equal(modeBetween(null, chat(), "staging").mode, "first-deploy");
  });

  it("against a real commit, and an unknown base is an error rather than 'everything is new'", () => {
    const modes = detectModes(["chat", "analytics"], { base: "HEAD", head: "HEAD", env: "staging" });
    assert.deepEqual(Object.keys(modes), ["analytics", "chat"]);
    assert.equal(modes.chat.mode, "gradual");
    assert.throws(() => detectModes(["chat"], { base: "no-such-ref-anywhere", env: "staging" }));
  });
});
