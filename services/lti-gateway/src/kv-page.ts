import * as v from "valibot";

/** The values stored under `names` that match `schema`; missing or malformed ones are left out. */
export async function readValidValues<S extends v.GenericSchema>(
  kv: KVNamespace,
  schema: S,
  names: readonly string[],
): Promise<v.InferOutput<S>[]> {
  const values = await Promise.all(names.map((name) => kv.get(name, "json")));
  return values.flatMap((raw) => {
    const parsed = v.safeParse(schema, raw);
    return parsed.success ? [parsed.output] : [];
  });
}

/** One page of the values under `prefix`: one KV list call and at most `limit` reads. */
export async function readValuePage<S extends v.GenericSchema>(
  kv: KVNamespace,
  schema: S,
  opts: { prefix: string; limit: number; cursor?: string | undefined },
): Promise<{ values: v.InferOutput<S>[]; cursor?: string }> {
  const page = await kv.list({
    prefix: opts.prefix,
    limit: opts.limit,
    ...(opts.cursor ? { cursor: opts.cursor } : {}),
  });
  const values = await readValidValues(
    kv,
    schema,
    page.keys.map((k) => k.name),
  );
  return page.list_complete ? { values } : { values, cursor: page.cursor };
}
