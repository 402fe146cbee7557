import { nowIso, type TenantDb } from "@atomic-guide/shared";
import { type Compilable, sql } from "kysely";
import { tokenize } from "../knowledge/bm25";
import type { FaqEntry } from "../knowledge/faq";
import type { ChatDatabase } from "./schema";

export interface StoredFaqEntry extends FaqEntry {
  createdAt: string;
  updatedAt: string;
}

type FaqRow = ChatDatabase["faq_entries"];

const toEntry = (r: FaqRow): StoredFaqEntry => ({
  id: r.faq_id,
  question: r.question,
  answer: r.answer,
  ...(r.course_id ? { courseId: r.course_id } : {}),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const prepare = (d1: D1Database, query: Compilable) => {
  const compiled = query.compile();
  return d1.prepare(compiled.sql).bind(...compiled.parameters);
};

/** FAQ entries of one tenant: the base table and its FTS5 index change together in one batch. */
export class FaqRepository {
  constructor(private readonly tdb: TenantDb<ChatDatabase>) {}

  private get db() {
    return this.tdb.db;
  }

  async list(courseId?: string): Promise<StoredFaqEntry[]> {
    let query = this.db.selectFrom("faq_entries").selectAll().where("tenant_id", "=", this.tdb.tenantId);
    if (courseId !== undefined) {
      query = query.where((eb) => eb.or([eb("course_id", "=", courseId), eb("course_id", "is", null)]));
    }
    const rows = await query.orderBy("created_at").orderBy("faq_id").limit(2000).execute();
    return rows.map(toEntry);
  }

  async get(id: string): Promise<StoredFaqEntry | null> {
    const row = await this.db
      .selectFrom("faq_entries")
      .selectAll()
      .where("tenant_id", "=", this.tdb.tenantId)
      .where("faq_id", "=", id)
      .executeTakeFirst();
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
    await d1.batch([
      prepare(
        d1,
        this.db
          .insertInto("faq_entries")
          .values(row)
          .onConflict((oc) =>
            oc.columns(["tenant_id", "faq_id"]).doUpdateSet({
              course_id: row.course_id,
              question: row.question,
              answer: row.answer,
              updated_at: row.updated_at,
            }),
          ),
      ),
      this.deleteIndexed(id),
      prepare(
        d1,
        this.db
          .insertInto("faq_fts")
          .values({ question: row.question, answer: row.answer, tenant_id: row.tenant_id, faq_id: id }),
      ),
    ]);
    return { entry: toEntry(row), created: existing === null };
  }

  async delete(id: string): Promise<boolean> {
    const d1 = this.tdb.d1;
    const [deleted] = await d1.batch([
      prepare(
        d1,
        this.db.deleteFrom("faq_entries").where("tenant_id", "=", this.tdb.tenantId).where("faq_id", "=", id),
      ),
      this.deleteIndexed(id),
    ]);
    return (deleted?.meta.changes ?? 0) > 0;
  }

  private deleteIndexed(id: string) {
    return prepare(
      this.tdb.d1,
      this.db.deleteFrom("faq_fts").where("tenant_id", "=", this.tdb.tenantId).where("faq_id", "=", id),
    );
  }

  /**
   * Candidates for a question by FTS5's bm25 (question weighted over answer), for the course and
   * tenant-wide entries. Terms are quoted, so learner text is never FTS query syntax.
   */
  async search(question: string, courseId: string | undefined, limit = 8): Promise<FaqEntry[]> {
    const terms = [...new Set(tokenize(question))].slice(0, 32);
    if (terms.length === 0) return [];
    const match = terms.map((t) => `"${t.replaceAll('"', "")}"*`).join(" OR ");
    const rows = await this.db
      .selectFrom("faq_fts")
      .innerJoin("faq_entries", (join) =>
        join
          .onRef("faq_entries.faq_id", "=", "faq_fts.faq_id")
          .onRef("faq_entries.tenant_id", "=", "faq_fts.tenant_id"),
      )
      .select([
        "faq_entries.tenant_id",
        "faq_entries.faq_id",
        "faq_entries.course_id",
        "faq_entries.question",
        "faq_entries.answer",
        "faq_entries.created_at",
        "faq_entries.updated_at",
      ])
      .where(sql<boolean>`faq_fts MATCH ${match}`)
      .where("faq_fts.tenant_id", "=", this.tdb.tenantId)
      .where((eb) =>
        courseId === undefined
          ? eb("faq_entries.course_id", "is", null)
          : eb.or([eb("faq_entries.course_id", "=", courseId), eb("faq_entries.course_id", "is", null)]),
      )
      .orderBy(sql`bm25(faq_fts, 2.0, 1.0)`)
      .limit(limit)
      .execute();
    return rows.map(toEntry);
  }
}
