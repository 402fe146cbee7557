import * as v from "valibot";

/**
 * A JSON value stored in KV, validated against `schema`: `undefined` when the key is absent or
 * holds something else, so a hand-edited or outdated record reads as none instead of breaking
 * the caller. KV's own failures (and a value that is not JSON) propagate: whether an unreadable
 * KV means "none" is the caller's decision. `cacheTtl` (seconds) lets the edge serve a copy.
 */
export async function readKvJson<T>(
  kv: KVNamespace,
  key: string,
  schema: v.GenericSchema<unknown, T>,
  cacheTtl?: number,
): Promise<T | undefined> {
  const raw = await (cacheTtl === undefined ? kv.get(key, "json") : kv.get(key, { type: "json", cacheTtl }));
  if (raw === null) return undefined;
  const parsed = v.safeParse(schema, raw);
  return parsed.success ? parsed.output : undefined;
}
