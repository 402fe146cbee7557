import { type RawBuilder, sql } from "kysely";

const NAME_COMMENT = /\/\*\s*([A-Za-z][\w.:-]{0,99})\s*\*\//;
const VERB = /^\s*(?:\/\*[\s\S]*?\*\/\s*)*(\w+)/;
const TABLE = /\b(?:from|into|update|table)\s+["`[]?([A-Za-z_][\w]*)/i;

const cache = new Map<string, string>();
const CACHE_LIMIT = 500;

function derive(sqlText: string): string {
  const named = NAME_COMMENT.exec(sqlText)?.[1];
  if (named) return named;
  // Unnamed queries still group sensibly: "~select:messages".
  const verb = (VERB.exec(sqlText)?.[1] ?? "sql").toLowerCase().slice(0, 20);
  const table = TABLE.exec(sqlText)?.[1]?.toLowerCase();
  return (table ? `~${verb}:${table}` : `~${verb}`).slice(0, 100);
}

/** The name a query is reported under; cached because the same SQL text repeats endlessly. */
export function queryNameOf(sqlText: string): string {
  let name = cache.get(sqlText);
  if (name === undefined) {
    name = derive(sqlText);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(sqlText, name);
  }
  return name;
}

const VALID_NAME = /^[A-Za-z][\w.:-]{0,99}$/;

/**
 * The comment that names a kysely query: `db.selectFrom(..)...modifyEnd(queryName("chat.history"))`.
 * The same name appears in metrics and in the query-plan gate.
 */
export function queryName(name: string): RawBuilder<unknown> {
  if (!VALID_NAME.test(name)) throw new Error(`invalid query name ${name}`);
  return sql.raw(` /* ${name} */`);
}
