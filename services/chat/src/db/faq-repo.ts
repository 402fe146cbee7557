import { d1Statement, type FaqEntryView, nowIso, type TenantDb } from "@atomic-guide/shared";
import { queryName } from "@atomic-guide/shared/metrics/query-name";
import { type Compilable, type Kysely, sql } from "kysely";
import { tokenize } from "../knowledge/bm25";
import type { FaqEntry } from "../knowledge/faq";
import type { ChatDatabase } from "./schema";

/** An entry as stored and as the operator's FAQ API shows it (exactly these fields). */
export interface StoredFaqEntry extends FaqEntry, FaqEntryView {}

type FaqRow = Omit<ChatDatabase["faq_entries"], "fts_rowid">;
type Db = Kysely<ChatDatabase>;

const toEntry = (r: FaqRow): StoredFaqEntry => ({
  id: r.faq_id,
  question: r.question,
  answer: r.answer,
  ...(r.course_id ? { courseId: r.course_id } : {}),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const ENTRY_COLUMNS = [
  "faq_entries.tenant_id",
  "faq_entries.faq_id",
  "faq_entries.course_id",
  "faq_entries.question",
  "faq_entries.answer",
  "faq_entries.created_at",
  "faq_entries.updated_at",
] as const;

/** The FTS5 MATCH expression for learner text: terms quoted, so it is never FTS query syntax. */
export function matchExpression(question: string): string | null {
  const terms = [...new Set(tokenize(question))].slice(0, 32);
  if (terms.length === 0) return null;
  return terms.map((t) => `"${t.replaceAll('"', "")}"*`).join(" OR ");
}

/**
 * Every FAQ query, named. faq_fts rows are found by rowid, which faq_entries records in
 * `fts_rowid`: FTS5 can only search its full-text index, so looking a row up by the UNINDEXED
 * tenant_id/faq_id would read every tenant's entries.
 */
export const faqQueries = {
  list: (db: Db, tenantId: string, courseId: string | undefined) => {
    let query = db.selectFrom("faq_entries").select(ENTRY_COLUMNS).where("tenant_id", "=", tenantId);
    if (courseId !== undefined) {
      query = query.where((eb) => eb.or([eb("course_id", "=", courseId), eb("course_id", "is", null)]));
    }
    return query
      .orderBy("created_at")
      .orderBy("faq_id")
      .limit(2000)
      .modifyEnd(queryName(courseId === undefined ? "faq.list" : "faq.listCourse"));
  },
  get: (db: Db, tenantId: string, id: string) =>
    db
      .selectFrom("faq_entries")
      .select(ENTRY_COLUMNS)
      .where("tenant_id", "=", tenantId)
      .where("faq_id", "=", id)
      .modifyEnd(queryName("faq.get")),
  /** Drops the entry's FTS row (none for a new entry); runs before `index` in the same batch. */
  unindex: (db: Db, tenantId: string, id: string) =>
    db
      .deleteFrom("faq_fts")
      .where("rowid", "=", (eb) =>
        eb.selectFrom("faq_entries").select("fts_rowid").where("tenant_id", "=", tenantId).where("faq_id", "=", id),
      )
      .modifyEnd(queryName("faq.unindex")),
  index: (db: Db, row: FaqRow) =>
    db
      .insertInto("faq_fts")
      .values({ question: row.question, answer: row.answer, tenant_id: row.tenant_id, faq_id: row.faq_id })
      .modifyEnd(queryName("faq.index")),
  /** Runs right after `index` in the same batch: last_insert_rowid() is the new FTS row. */
  upsert: (db: Db, row: FaqRow) =>
    db
      .insertInto("faq_entries")
      .values({ ...row, fts_rowid: sql<number>`last_insert_rowid()` })
      .onConflict((oc) =>
        oc.columns(["tenant_id", "faq_id"]).doUpdateSet((eb) => ({
          course_id: eb.ref("excluded.course_id"),
          question: eb.ref("excluded.question"),
          answer: eb.ref("excluded.answer"),
          updated_at: eb.ref("excluded.updated_at"),
          fts_rowid: eb.ref("excluded.fts_rowid"),
        })),
      )
      .modifyEnd(queryName("faq.upsert")),
  delete: (db: Db, tenantId: string, id: string) =>
    db
      .deleteFrom("faq_entries")
      .where("tenant_id", "=", tenantId)
      .where("faq_id", "=", id)
      .modifyEnd(queryName("faq.delete")),
  /** Candidates by FTS5's bm25 (question weighted over answer), for the course and tenant-wide entries. */
  search: (db: Db, tenantId: string, match: string, courseId: string | undefined, limit: number) =>
    db
      .selectFrom("faq_fts")
      .innerJoin("faq_entries", (join) =>
        join
          .onRef("faq_entries.faq_id", "=", "faq_fts.faq_id")
          .onRef("faq_entries.tenant_id", "=", "faq_fts.tenant_id"),
      )
      .select(ENTRY_COLUMNS)
      .where(sql<boolean>`faq_fts MATCH ${match}`)
      .where("faq_fts.tenant_id", "=", tenantId)
      .where((eb) =>
        courseId === undefined
          ? eb("faq_entries.course_id", "is", null)
          : eb.or([eb("faq_entries.course_id", "=", courseId), eb("faq_entries.course_id", "is", null)]),
      )
      .orderBy(sql`bm25(faq_fts, 2.0, 1.0)`)
      .limit(limit)
      .modifyEnd(queryName("faq.search")),
};

const prepare = (d1: D1Database, query: Compilable) => d1Statement(d1, query.compile());

/** FAQ entries of one tenant: the base table and its FTS5 index change together in one batch. */
export class FaqRepository {
  constructor(private readonly tdb: TenantDb<ChatDatabase>) {}

  private get db() {
    return this.tdb.db;
  }

  async list(courseId?: string): Promise<StoredFaqEntry[]> {
    const rows = await faqQueries.list(this.db, this.tdb.tenantId, courseId).execute();
    return rows.map(toEntry);
  }

  async get(id: string): Promise<StoredFaqEntry | null> {
    const row = await faqQueries.get(this.db, this.tdb.tenantId, id).executeTakeFirst();
    return row ? toEntry(row) : null;
  }

  /** Inserts or replaces entry `id`; returns whether it existed before. */
  async put(id: string, input: Omit<FaqEntry, "id">): Promise<{ entry: StoredFaqEntry; created: boolean }> {
    const existing = await this.get(id);
    const at = nowIso();
    const row: FaqRow = {
      tenant_id: this.tdb.tenantId,
      faq_id: id,
      course_id: input.courseId ?? null,
      question: input.question,
      answer: input.answer,
      created_at: existing?.createdAt ?? at,
      updated_at: at,
    };
    const d1 = this.tdb.d1;
    // Order matters: unindex reads the old fts_rowid, upsert records the one index just made.
    await d1.batch([
      prepare(d1, faqQueries.unindex(this.db, row.tenant_id, id)),
      prepare(d1, faqQueries.index(this.db, row)),
      prepare(d1, faqQueries.upsert(this.db, row)),
    ]);
    return { entry: toEntry(row), created: existing === null };
  }

  async delete(id: string): Promise<boolean> {
    const d1 = this.tdb.d1;
    const [, deleted] = await d1.batch([
      prepare(d1, faqQueries.unindex(this.db, this.tdb.tenantId, id)),
      prepare(d1, faqQueries.delete(this.db, this.tdb.tenantId, id)),
    ]);
    return (deleted?.meta.changes ?? 0) > 0;
  }

  /** Candidates for a question, best first (see faqQueries.search). */
  async search(question: string, courseId: string | undefined, limit = 8): Promise<FaqEntry[]> {
    const match = matchExpression(question);
    if (match === null) return [];
    const rows = await faqQueries.search(this.db, this.tdb.tenantId, match, courseId, limit).execute();
    return rows.map(toEntry);
  }
}
