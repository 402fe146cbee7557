import { env, exports } from "cloudflare:workers";
import { FAULTS_KEY } from "@atomic-guide/shared/resilience/fault-key";
import { describe, expect, it } from "vitest";
import { leaksAnswer } from "../chat/graded-guard";
import {
  composeOfflineAnswer,
  OFFLINE_FAQ_LABEL,
  OFFLINE_METHOD_LABEL,
  OFFLINE_METHOD_TOO,
  OFFLINE_NONE,
  OFFLINE_PAGE_LABEL,
} from "../providers/offline";
import { aiDouble } from "../testing/doubles";
import { ask, learner } from "../testing/helpers";
import { type FaqEntry, faqKey, loadFaq } from "./faq";

const FAQ: FaqEntry[] = [
  {
    id: "late",
    question: "How do I submit a late assignment?",
    answer: "Use the late submission form; 10% per day is deducted.",
  },
  { id: "office", question: "When are office hours?", answer: "Office hours are Tuesdays 2-4pm in room 101." },
  {
    id: "exam",
    question: "What topics does the final exam cover?",
    answer: "Chapters 1 to 9, with emphasis on chapters 7 to 9.",
  },
  {
    id: "bio",
    question: "What is the exam format?",
    answer: "Forty multiple choice questions.",
    courseId: "biology-101",
  },
];

/** Through the operator RPC, as /admin/tenants/:tenantId/faq does. */
async function seedFaq(tenantId: string) {
  for (const { id: _id, ...input } of FAQ) await exports.default.createFaq({ tenantId }, input);
}

const request = (question: string, pageContent?: string) => ({
  messages: [],
  maxTokens: 100,
  question,
  pageContent,
  tenantId: "t",
});

describe("offline retrieval", () => {
  it("picks the FAQ entry that answers the question", () => {
    expect(composeOfflineAnswer(request("when are the office hours?"), FAQ).text).toBe(
      `${OFFLINE_FAQ_LABEL}\n\nOffice hours are Tuesdays 2-4pm in room 101.`,
    );
    expect(composeOfflineAnswer(request("which chapters are on the final exam"), FAQ).text).toContain(
      "Chapters 1 to 9",
    );
    expect(composeOfflineAnswer(request("can I hand in my assignment late?"), FAQ).text).toContain(
      "late submission form",
    );
  });

  it("answers from the page's best passage when the FAQ has nothing", () => {
    const page =
      "Plants take in carbon dioxide through stomata.\n\nChlorophyll absorbs red and blue light, reflecting green.\n\n" +
      "The Calvin cycle fixes carbon into sugars.";
    const answer = composeOfflineAnswer(
      request("why do leaves look green? which light does chlorophyll absorb", page),
      FAQ,
    );
    expect(answer.text).toMatch(/^Offline answer from this page/);
    expect(answer.text.split("\n\n")[1]).toContain("Chlorophyll absorbs red and blue light");
  });

  it("walks through a similar equation when the question holds one, after what the page says, without solving the learner's", () => {
    const page = "Exercise 1\n\nSolve 3x + 7 = 22 using the balance method.";
    const answer = composeOfflineAnswer(request("How do I solve 3x + 7 = 22?", page), FAQ);
    const parts = answer.text.split("\n\n");
    expect(parts[0]).toBe(OFFLINE_PAGE_LABEL);
    expect(parts).toContain(OFFLINE_METHOD_TOO);
    expect(answer.text).toContain("first remove the number added to or subtracted from it on both sides");
    expect(answer.text).toContain("A similar problem: 2y + 5 = 13.");
    expect(answer.text).toContain("2. Divide both sides by 2: y = 4.");
    expect(leaksAnswer(answer.text, "Solve 3x + 7 = 22")).toBe(false);

    // No page and no FAQ entry: the method alone, under its own label.
    const alone = composeOfflineAnswer(request("how to solve 4n - 3 = 9"), FAQ).text;
    expect(alone.startsWith(`${OFFLINE_METHOD_LABEL}\n\n`)).toBe(true);
    expect(alone).toContain("divide both sides by the number in front of n");
    // Nothing to undo is no equation to solve.
    expect(composeOfflineAnswer(request("zebra x = 5"), FAQ).text).toBe(OFFLINE_NONE);
  });

  it("quotes no other exercise of the page for an equation the page does not hold", () => {
    const page = "Solve 2x + 5 = 17 by the balance method.\n\nSolve 2x - 3 = 11. x =";
    const answer = composeOfflineAnswer(request("How do I solve -2x + 4 = 10?", page), FAQ).text;
    expect(answer.startsWith(`${OFFLINE_METHOD_LABEL}\n\n`)).toBe(true);
    expect(answer).not.toMatch(/2x \+ 5 = 17|2x - 3 = 11/);
    expect(answer).toContain("A similar problem: -3y + 5 = -7.");
    // The page's own exercise, asked about, is still quoted.
    expect(composeOfflineAnswer(request("How do I solve 2x - 3 = 11?", page), FAQ).text).toContain(
      "> Solve 2x - 3 = 11. x =",
    );
  });

  it("says so when neither knows", () => {
    expect(composeOfflineAnswer(request("zebra quantum gravity"), FAQ).text).toBe(OFFLINE_NONE);
  });

  it("reads the tenant's FAQ from KV for the course, ignoring other courses and invalid data", async () => {
    await env.KNOWLEDGE.put(faqKey("acme"), JSON.stringify(FAQ));
    expect((await loadFaq(env.KNOWLEDGE, "acme", "chem-200")).map((e) => e.id)).toEqual(["late", "office", "exam"]);
    expect(await loadFaq(env.KNOWLEDGE, "acme", "biology-101")).toHaveLength(4);
    await env.KNOWLEDGE.put(faqKey("broken"), JSON.stringify([{ id: "x" }]));
    expect(await loadFaq(env.KNOWLEDGE, "broken")).toEqual([]);
  });

  it("answers a question the FAQ matches well from the FAQ, without calling a model", async () => {
    const me = learner();
    await seedFaq(me.tenantId);
    const question = "When exactly are the office hours?";
    const reply = await ask(me, { message: question });
    expect(reply.provider).toBe("offline");
    expect(reply.response).toContain("Tuesdays 2-4pm");
    expect(await aiDouble().callsWith(question)).toEqual([]);
  });
});

describe("strong FAQ matches", () => {
  it("does not take a question about something else for the FAQ entry sharing some words", async () => {
    const me = learner();
    await seedFaq(me.tenantId);
    const question = "What topics does chapter 7 cover in detail?";
    const reply = await ask(me, { message: question });
    expect(reply.provider).toBe("workers-ai");
    expect(await aiDouble().callsWith(question)).toHaveLength(1);
  });
});

describe("FAQ knowledge base in D1 (FTS5)", () => {
  it("is managed per tenant: create, list by course, update, delete, validated", async () => {
    const tenant = { tenantId: learner().tenantId };
    const created = await exports.default.createFaq(tenant, { question: "Where is the lab?", answer: "Room 12." });
    const scoped = await exports.default.createFaq(tenant, {
      question: "Lab safety?",
      answer: "Goggles.",
      courseId: "chem",
    });
    expect(created).toMatchObject({ id: expect.any(String), question: "Where is the lab?", answer: "Room 12." });
    expect((await exports.default.listFaq(tenant, {})).entries).toHaveLength(2);
    expect((await exports.default.listFaq(tenant, { courseId: "bio" })).entries.map((e) => e.id)).toEqual([created.id]);
    const updated = await exports.default.updateFaq(tenant, created.id, {
      question: "Where is the lab?",
      answer: "Room 14.",
    });
    expect(updated.answer).toBe("Room 14.");
    expect(updated.createdAt).toBe(created.createdAt);
    expect(await exports.default.deleteFaq(tenant, scoped.id)).toEqual({ deleted: true });
    // Another tenant sees none of it and cannot change it.
    const other = { tenantId: learner().tenantId };
    expect((await exports.default.listFaq(other, {})).entries).toEqual([]);
    const foreign = await exports.default.updateFaq(other, created.id, { question: "x", answer: "y" }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(foreign).toMatchObject({ status: 404, code: "not_found" });
    const invalid = await exports.default.createFaq(tenant, { question: "", answer: "y" }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(invalid).toMatchObject({ status: 400 });
    // The KV snapshot follows every change.
    expect(await env.KNOWLEDGE.get(faqKey(tenant.tenantId), "json")).toEqual([
      { id: created.id, question: "Where is the lab?", answer: "Room 14." },
    ]);
  });

  it("treats learner text as search terms, never as FTS5 query syntax", async () => {
    const me = learner();
    await seedFaq(me.tenantId);
    const reply = await ask(me, { message: 'office" OR hours NEAR( * -" hours?' }, { provider: "offline" });
    expect(reply.provider).toBe("offline");
  });

  it("answers from the KV snapshot while D1 is down", async () => {
    const me = learner();
    await seedFaq(me.tenantId);
    await env.SNAPSHOTS.put(`${FAULTS_KEY}:chat`, JSON.stringify({ mode: "fail" }));
    try {
      const reply = await ask(me, { message: "When are office hours?" }, { provider: "offline" });
      expect(reply.response).toContain("Tuesdays 2-4pm");
    } finally {
      await env.SNAPSHOTS.delete(`${FAULTS_KEY}:chat`);
    }
  });
});
