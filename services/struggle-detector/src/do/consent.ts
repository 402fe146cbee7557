import { nowIso } from "@atomic-guide/shared";
import * as v from "valibot";
import type { LocalStore } from "./local-store";

const ConsentRecordSchema = v.object({ profiling: v.boolean(), updatedAt: v.nullable(v.string()) });
export type ConsentRecord = v.InferOutput<typeof ConsentRecordSchema>;

/** On until the learner turns it off: the institution's agreement is the basis for running the tool. */
export function currentConsent(store: LocalStore): ConsentRecord {
  const stored = v.safeParse(ConsentRecordSchema, store.getMeta("consent"));
  return stored.success ? stored.output : { profiling: true, updatedAt: null };
}

export function recordConsent(store: LocalStore, profiling: boolean): ConsentRecord {
  const record: ConsentRecord = { profiling, updatedAt: nowIso() };
  store.setMeta("consent", record);
  return record;
}
