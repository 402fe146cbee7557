import { CompiledQuery } from "kysely";

/**
 * Raw SQL over `json_each(?)`: one statement writes any number of rows with one bound parameter
 * (D1 caps bound parameters per statement). The name goes in the `/* name *\/` comment metrics use.
 */
export const jsonInsert = (name: string, text: string, rows: readonly object[]) =>
  CompiledQuery.raw(`${text} /* ${name} */`, [JSON.stringify(rows)]);

const col = (key: string) => `json_extract(value, '$.${key}')`;

/** The select list reading these keys from each `json_each` row. */
export const cols = (keys: readonly string[]) => keys.map(col).join(", ");

/** An upsert's SET list taking each key from the incoming row. */
export const upsertSet = (keys: readonly string[]) => keys.map((k) => `${k} = excluded.${k}`).join(", ");
