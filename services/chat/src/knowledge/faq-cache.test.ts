import { env, exports } from "cloudflare:workers";
import { tenantDb } from "@atomic-guide/shared";
import { describe, expect, it } from "vitest";
import { FaqRepository } from "../db/faq-repo";
import type { ChatDatabase } from "../db/schema";
import { ask, learner } from "../testing/helpers";
import { CourseFaqCache, FAQ_CACHE_TTL_MS } from "./faq-cache";
import { faqCandidates } from "./faq-source";

const offline = { provider: "offline" };
const OFFICE_HOURS = { question: "When are office hours?", answer: "Tuesdays 2-4pm in room 101." };
const QUESTION = "When are the office hours?";

describe("a course's FAQ cached in the isolate", () => {
  it("answers from an entry changed through the operator API on the very next turn", async () => {
    const me = learner();
    const entry = await exports.default.createFaq({ tenantId: me.tenantId }, OFFICE_HOURS);
    expect((await ask(me, { message: QUESTION }, offline)).response).toContain("Tuesdays 2-4pm");
    await exports.default.updateFaq({ tenantId: me.tenantId }, entry.id, {
      ...OFFICE_HOURS,
      answer: "Thursdays 9-11am in room 204.",
    });
    const reply = await ask(me, { message: QUESTION }, offline);
    expect(reply.response).toContain("Thursdays 9-11am");
    expect(reply.response).not.toContain("Tuesdays");
  });

  it("stops answering from an entry deleted through the operator API", async () => {
    const me = learner();
    const entry = await exports.default.createFaq({ tenantId: me.tenantId }, OFFICE_HOURS);
    expect((await ask(me, { message: QUESTION }, offline)).citations).toEqual([
      { source: "faq", id: entry.id, excerpt: OFFICE_HOURS.answer },
    ]);
    await exports.default.deleteFaq({ tenantId: me.tenantId }, entry.id);
    expect((await ask(me, { message: QUESTION }, offline)).citations).toEqual([]);
  });

  it("keeps each tenant's FAQ to its own turns, for the same course id", async () => {
    const a = learner();
    const b = learner({ contextId: a.contextId });
    await exports.default.createFaq({ tenantId: a.tenantId }, OFFICE_HOURS);
    expect((await faqCandidates(env, a, QUESTION, a.contextId)).map((e) => e.answer)).toEqual([OFFICE_HOURS.answer]);
    expect(await faqCandidates(env, b, QUESTION, b.contextId)).toEqual([]);
  });

  it("sees a course's other entries and the tenant-wide ones, never another course's", async () => {
    const me = learner();
    const repo = new FaqRepository(tenantDb<ChatDatabase>(env, { tenantId: me.tenantId, service: "chat" }));
    await repo.put("wide", OFFICE_HOURS);
    await repo.put("mine", { question: "Where are office hours held?", answer: "Room 101.", courseId: "course-a" });
    await repo.put("other", { question: "Who holds office hours?", answer: "Dr. B.", courseId: "course-b" });
    const ids = async (courseId?: string) =>
      (await faqCandidates(env, me, "office hours", courseId)).map((e) => e.id).sort();
    expect(await ids("course-a")).toEqual(["mine", "wide"]);
    expect(await ids("course-b")).toEqual(["other", "wide"]);
    expect(await ids(undefined)).toEqual(["wide"]);
  });
});

describe("CourseFaqCache", () => {
  const entries = [{ id: "e1", ...OFFICE_HOURS }];
  const scope = { tenantId: "acme", courseId: "c1" };

  it("forgets a course after its TTL, so a change another isolate made is read again", () => {
    let now = 1_000_000;
    const cache = new CourseFaqCache(FAQ_CACHE_TTL_MS, () => now);
    cache.set(scope, entries);
    now += FAQ_CACHE_TTL_MS - 1;
    expect(cache.get(scope)).toBe(entries);
    now += 1;
    expect(cache.get(scope)).toBeUndefined();
  });

  it("keys by tenant, by the tenant's own database and by course", () => {
    const cache = new CourseFaqCache();
    cache.set(scope, entries);
    expect(cache.get({ ...scope, tenantId: "acme2" })).toBeUndefined();
    expect(cache.get({ ...scope, d1Binding: "DB_ACME" })).toBeUndefined();
    expect(cache.get({ ...scope, courseId: "c2" })).toBeUndefined();
    expect(cache.get({ ...scope, courseId: undefined })).toBeUndefined();
    expect(cache.get(scope)).toBe(entries);
  });

  it("drops every course of one tenant in one database on a change, and every database on offboarding", () => {
    const cache = new CourseFaqCache();
    const own = { ...scope, d1Binding: "DB_ACME" };
    const neighbour = { tenantId: "acme2", courseId: "c1" };
    for (const s of [scope, { ...scope, courseId: "c2" }, own, neighbour]) cache.set(s, entries);
    cache.invalidateTenant({ tenantId: "acme" });
    expect(cache.get(scope)).toBeUndefined();
    expect(cache.get({ ...scope, courseId: "c2" })).toBeUndefined();
    expect(cache.get(own)).toBe(entries);
    cache.forgetTenant("acme");
    expect(cache.get(own)).toBeUndefined();
    expect(cache.get(neighbour)).toBe(entries);
  });
});
