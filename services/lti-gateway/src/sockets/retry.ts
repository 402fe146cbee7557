import type { SocketPolicyChange } from "@atomic-guide/shared";
import * as v from "valibot";
import { readStoredFlags } from "../flags/store";
import { deliverSocketPolicy } from "./announce";
import { clearPending, PENDING_PREFIX, type PendingAnnouncement, PendingMetadataSchema } from "./pending";

/** The cron that runs the retry (wrangler.jsonc triggers, every environment). */
export const SOCKET_RETRY_CRON = "* * * * *";

const PAGE = 100;
/** Per run (every minute): a backlog larger than this drains over the next runs. */
const MAX_PER_RUN = 500;

/** A features announcement is sent as the flags are now, so a newer change is never undone. */
async function asOfNow(env: Env, change: SocketPolicyChange): Promise<SocketPolicyChange> {
  if (!change.features) return change;
  const flags = await readStoredFlags(env, change.tenantId);
  return { tenantId: change.tenantId, features: { chat: flags.chat, struggleDetection: flags.struggleDetection } };
}

/**
 * The gateway's per-minute cron: every pending socket announcement (sockets/pending.ts) is sent
 * again; one delivered is cleared, one still failing stays for the next run.
 */
export async function retryPendingSocketAnnouncements(env: Env): Promise<{ delivered: number; pending: number }> {
  let delivered = 0;
  let pending = 0;
  let cursor: string | undefined;
  do {
    const page = await env.FLAGS.list<PendingAnnouncement>({
      prefix: PENDING_PREFIX,
      limit: PAGE,
      ...(cursor ? { cursor } : {}),
    });
    await Promise.all(
      page.keys.map(async (key) => {
        const marker = v.safeParse(PendingMetadataSchema, key.metadata);
        if (!marker.success) return clearPending(env, key.name);
        const { service, change } = marker.output;
        if (await deliverSocketPolicy(env, service, await asOfNow(env, change))) {
          delivered++;
          await clearPending(env, key.name);
        } else pending++;
      }),
    );
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor && delivered + pending < MAX_PER_RUN);
  return { delivered, pending };
}
