import { env } from "cloudflare:workers";
import { tenantDb } from "@atomic-guide/shared";
import { describe, expect, it } from "vitest";
import { FaqRepository } from "./faq-repo";
import type { ChatDatabase } from "./schema";

const repo = (tenantId: string) => new FaqRepository(tenantDb<ChatDatabase>(env, { tenantId, service: "chat" }));
const ftsRows = async () =>
  (await env.DB.prepare("SELECT tenant_id, faq_id, question FROM faq_fts ORDER BY rowid").all()).results;

// The FTS index follows its entries by rowid (faq_entries.fts_rowid), never by a scan.
describe("FAQ repository keeps faq_fts in step with faq_entries", () => {
  it("replaces, deletes and isolates tenants through the recorded FTS rowid", async () => {
    const acme = repo("acme-faq");
    const other = repo("other-faq");
    await other.put("late", { question: "Is late homework accepted?", answer: "No." });
    expect((await acme.put("late", { question: "Is late homework accepted?", answer: "Ask first." })).created).toBe(
      true,
    );
    expect((await acme.put("late", { question: "Can deadlines be extended?", answer: "Sometimes." })).created).toBe(
      false,
    );

    expect((await acme.search("late homework", undefined)).map((e) => e.answer)).toEqual([]);
    expect((await acme.search("deadlines extended", undefined)).map((e) => e.answer)).toEqual(["Sometimes."]);
    expect((await other.search("late homework", undefined)).map((e) => e.answer)).toEqual(["No."]);
    expect(await ftsRows()).toEqual([
      { tenant_id: "other-faq", faq_id: "late", question: "Is late homework accepted?" },
      { tenant_id: "acme-faq", faq_id: "late", question: "Can deadlines be extended?" },
    ]);

    expect(await acme.delete("late")).toBe(true);
    expect(await acme.delete("late")).toBe(false);
    expect(await acme.search("deadlines extended", undefined)).toEqual([]);
    expect(await ftsRows()).toEqual([
      { tenant_id: "other-faq", faq_id: "late", question: "Is late homework accepted?" },
    ]);
  });
});
