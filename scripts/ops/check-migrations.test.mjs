// scripts/check-migrations.mjs against a throwaway git repository shaped like this one.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { root } from "./lib.mjs";

const INIT = `-- Migration number: 0001
CREATE TABLE messages (tenant_id TEXT NOT NULL, message_id TEXT NOT NULL, content TEXT NOT NULL, legacy_score REAL,
  PRIMARY KEY (tenant_id, message_id));
CREATE TABLE drafts (tenant_id TEXT NOT NULL, draft_id TEXT NOT NULL, PRIMARY KEY (tenant_id, draft_id));
`;
const CODE = `export const read = (db) => db.selectFrom("messages").select(["message_id", "content"]);
// legacy_score is no longer read; drafts were never used from here either
`;

let dir;
const write = (path, text) => {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
};
const git = (...args) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
const check = () => {
  const r = spawnSync(process.execPath, [join(root, "scripts", "check-migrations.mjs"), "--root", dir], {
    encoding: "utf8",
  });
  return { code: r.status, out: r.stdout + r.stderr };
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "check-migrations-"));
  git("init", "-q");
  git("config", "user.email", "ops@example.edu");
  git("config", "user.name", "ops");
  write("migrations/chat/0001_init.sql", INIT);
  write("services/chat/src/db/messages.ts", CODE);
  write("services/chat/src/db/messages.test.ts", `it("drafts", () => db.selectFrom("drafts"));`);
  git("add", ".");
  git("commit", "-qm", "release");
  git("tag", "v1.0.0");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("check-migrations", () => {
  it("passes adding columns and tables (expand)", () => {
    write(
      "migrations/chat/0002_expand.sql",
      "ALTER TABLE messages ADD COLUMN provider TEXT;\nCREATE TABLE notes (tenant_id TEXT);\n",
    );
    assert.equal(check().code, 0);
  });

  it("refuses dropping a column the released code reads", () => {
    write("migrations/chat/0002_drop.sql", "ALTER TABLE messages DROP COLUMN content;\n");
    const { code, out } = check();
    assert.equal(code, 1);
    assert.match(
      out,
      /column messages\.content is dropped or renamed, but v1\.0\.0 still uses it \(services\/chat\/src\/db\/messages\.ts:1\)/,
    );
  });

  it("refuses renaming a column the released code reads", () => {
    write("migrations/chat/0002_rename.sql", "ALTER TABLE messages RENAME COLUMN message_id TO id;\n");
    assert.equal(check().code, 1);
  });

  it("allows dropping a column only comments and tests mention (the contract step)", () => {
    write("migrations/chat/0002_contract.sql", "ALTER TABLE messages DROP COLUMN legacy_score;\nDROP TABLE drafts;\n");
    assert.equal(check().code, 0, check().out);
  });

  it("refuses dropping a table the released code uses", () => {
    write("migrations/chat/0002_drop_table.sql", "DROP TABLE messages;\n");
    assert.match(check().out, /table messages is dropped or renamed/);
  });

  it("refuses editing a migration the release already applied", () => {
    write("migrations/chat/0001_init.sql", `${INIT}-- edited\n`);
    const { code, out } = check();
    assert.equal(code, 1);
    assert.match(out, /0001_init\.sql: edited after v1\.0\.0 applied it/);
  });

  it("passes a retired database (its whole migrations folder removed), not a deleted migration", () => {
    write("migrations/chat/0002_expand.sql", "ALTER TABLE messages ADD COLUMN lang TEXT;\n");
    git("add", ".");
    git("commit", "-qm", "second release");
    git("tag", "v1.1.0");
    rmSync(join(dir, "migrations", "chat", "0002_expand.sql"));
    const deleted = check();
    assert.equal(deleted.code, 1, deleted.out);
    assert.match(deleted.out, /0002_expand\.sql: deleted, but v1\.1\.0 has applied it/);
    rmSync(join(dir, "migrations", "chat"), { recursive: true });
    const retired = check();
    assert.equal(retired.code, 0, retired.out);
    assert.match(retired.out, /chat no longer has a D1 database/);
  });

  it("passes when nothing has been released yet", () => {
    git("tag", "-d", "v1.0.0");
    write("migrations/chat/0002_drop.sql", "ALTER TABLE messages DROP COLUMN content;\n");
    assert.equal(check().code, 0);
  });
});
