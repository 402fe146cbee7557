import { type NamedQuery, planCompiler } from "@atomic-guide/shared/metrics/query-plan";
import { APPLIED_INSERT_SQL, APPLIED_PRUNE_SQL, type OutboxStatement } from "@atomic-guide/shared/resilience/outbox";
import { CompiledQuery } from "kysely";
import { archiveStatements, eraseQueries } from "./archive";
import { faqQueries, matchExpression } from "./faq-repo";
import type { ChatDatabase } from "./schema";
import { tenantDataQueries } from "./tenant-data";

/**
 * Chat's D1 queries live beside the code that owns their tables (archive.ts: the conversation
 * outbox's writes and erasure; faq-repo.ts: the FAQ knowledge base), each named by a
 * `/* name *\/` comment. `namedQueries` lists every one with representative arguments for the
 * query-plan gate (query-plan-cases.test.ts), which fails when one scans a table it should search.
 *
 * faq_fts is an FTS5 virtual table: SQLite reports every step on it as `SCAN faq_fts VIRTUAL
 * TABLE INDEX n:<constraints>`, so the gate's allowScan admits it and query-plan-cases.test.ts checks
 * instead that each such step is driven by MATCH ("M") or a rowid lookup ("="), never a walk
 * over every tenant's entries.
 */
const db = planCompiler<ChatDatabase>();
const t = "2026-01-01T00:00:00.000Z";
const faqRow = {
  tenant_id: "acme",
  faq_id: "late",
  course_id: "course-1",
  question: "Can I hand in late?",
  answer: "Ask first.",
  created_at: t,
  updated_at: t,
};
const archived = archiveStatements(
  { tenantId: "acme", conversationId: "c1", userId: "u1", title: null, createdAt: t },
  [{ messageId: "m1", role: "user", content: "hi", provider: null, tokens: 0, createdAt: t }],
);

/** Outbox statements are plain `{sql, params}`; the gate plans them as compiled queries. */
const planned = (s: OutboxStatement | undefined) => {
  if (!s) throw new Error("missing outbox statement");
  return CompiledQuery.raw(s.sql, [...(s.params ?? s.parameters ?? [])]);
};

export const FTS_TABLE = "faq_fts";
const fts = {
  [FTS_TABLE]:
    "FTS5 virtual table: its plan step is always a SCAN; query-plan-cases.test.ts checks it is MATCH- or rowid-driven",
};

export const namedQueries: NamedQuery[] = [
  { name: "archive.upsertConversation", build: () => planned(archived[0]) },
  { name: "archive.insertMessage", build: () => planned(archived[1]) },
  { name: "learner.eraseMessages", build: () => eraseQueries.messages(db, "acme", "u1") },
  { name: "learner.eraseConversations", build: () => eraseQueries.conversations(db, "acme", "u1") },
  { name: "faq.list", build: () => faqQueries.list(db, "acme", undefined) },
  { name: "faq.listCourse", build: () => faqQueries.list(db, "acme", "course-1") },
  { name: "faq.get", build: () => faqQueries.get(db, "acme", "late") },
  { name: "faq.unindex", build: () => faqQueries.unindex(db, "acme", "late"), allowScan: fts },
  { name: "faq.index", build: () => faqQueries.index(db, faqRow) },
  { name: "faq.upsert", build: () => faqQueries.upsert(db, faqRow) },
  { name: "faq.delete", build: () => faqQueries.delete(db, "acme", "late") },
  {
    name: "faq.search",
    build: () => faqQueries.search(db, "acme", matchExpression("late homework") ?? "", "course-1", 8),
    allowScan: fts,
  },
  { name: "tenant.conversationsPage", build: () => tenantDataQueries.conversationsPage(db, "acme", 50) },
  { name: "retention.expiredConversations", build: () => tenantDataQueries.expiredConversations(db, "acme", t, 50) },
  { name: "tenant.deleteMessagesOf", build: () => tenantDataQueries.deleteMessagesOf(db, "acme", ["c1", "c2"]) },
  { name: "tenant.deleteConversations", build: () => tenantDataQueries.deleteConversations(db, "acme", ["c1"]) },
  { name: "tenant.deleteMessages", build: () => tenantDataQueries.deleteTenantMessages(db, "acme") },
  { name: "tenant.deleteFaqIndex", build: () => tenantDataQueries.deleteFaqIndex(db, "acme"), allowScan: fts },
  { name: "tenant.deleteFaqEntries", build: () => tenantDataQueries.deleteFaqEntries(db, "acme") },
  { name: "outbox.applied_insert", build: () => CompiledQuery.raw(APPLIED_INSERT_SQL, ["acme", "k1", 0]) },
  { name: "outbox.applied_prune", build: () => CompiledQuery.raw(APPLIED_PRUNE_SQL, [0]) },
];
