import { createLogger, errorFields } from "@atomic-guide/shared";
import { IsolateCache } from "@atomic-guide/shared/isolate-cache";
import * as v from "valibot";
import { type RolloutInput, type RolloutRecord, RolloutRecordSchema, type RolloutService, rolloutKey } from "./record";

const log = createLogger({ service: "lti-gateway", module: "rollout" });

/**
 * Every forwarded request needs the record, so each isolate keeps it briefly instead of reading
 * KV per request. KV itself is eventually consistent (about a minute across locations), so a few
 * seconds more here changes nothing an operator would notice.
 */
const ISOLATE_TTL_MS = 10_000;
const cache = new IsolateCache<{ record: RolloutRecord | null }>({ ttlMs: ISOLATE_TTL_MS, maxKeys: 16 });

/** Reads the record; a malformed or unreadable record means "no pins" (plain percentage routing). */
export async function readRollout(env: Env, service: RolloutService): Promise<RolloutRecord | null> {
  // "No record" is kept too: it is the answer for every service not being rolled out.
  return (await cache.getOrLoad(service, async () => ({ record: await loadRollout(env, service) }))).record;
}

async function loadRollout(env: Env, service: RolloutService): Promise<RolloutRecord | null> {
  let record: RolloutRecord | null = null;
  try {
    const raw = await env.FLAGS.get(rolloutKey(service), { type: "json", cacheTtl: 60 });
    if (raw !== null) {
      const parsed = v.safeParse(RolloutRecordSchema, raw);
      if (parsed.success) record = parsed.output;
      else log.warn("ignoring malformed rollout record", { rolloutService: service });
    }
  } catch (e) {
    // Routing must not fail because KV did: fall back to percentage routing, briefly.
    log.error("rollout record unreadable", { rolloutService: service, ...errorFields(e) });
  }
  return record;
}

export async function writeRollout(env: Env, service: RolloutService, input: RolloutInput): Promise<RolloutRecord> {
  const record: RolloutRecord = { ...input, updatedAt: new Date().toISOString() };
  await env.FLAGS.put(rolloutKey(service), JSON.stringify(record));
  cache.set(service, { record });
  return record;
}

export async function clearRollout(env: Env, service: RolloutService): Promise<void> {
  await env.FLAGS.delete(rolloutKey(service));
  cache.set(service, { record: null });
}
