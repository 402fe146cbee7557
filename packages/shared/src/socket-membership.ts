import * as v from "valibot";
import type { AuthContext } from "./auth-context";
import { createLogger, errorFields } from "./log";
import type { SocketHost } from "./socket-guard";
import { withTimeout } from "./timeout";

/**
 * A learner object's entry in its tenant's socket directory (socket-directory.ts): the directory
 * lists the objects that hold open sockets, so a pushed policy change reaches them at once
 * instead of at their next alarm. Touched only when a socket opens and when the last one is gone,
 * never per message.
 */
export const SocketDirectoryEntrySchema = v.object({
  /** The learner object's id (`ctx.id.toString()`), so the directory can address it. */
  objectId: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, "a Durable Object id")),
  /** The latest token expiry among its sockets: none outlives it, so the entry never leaks longer. */
  untilMs: v.pipe(v.number(), v.integer(), v.minValue(0)),
});
export type SocketDirectoryEntry = v.InferOutput<typeof SocketDirectoryEntrySchema>;

/** What a learner object calls on its tenant's directory. */
export interface SocketDirectoryStub {
  register(entry: SocketDirectoryEntry): Promise<unknown>;
  unregister(objectId: string): Promise<unknown>;
}

const MembershipSchema = v.object({ tenantId: v.string(), untilMs: v.number() });
const MEMBERSHIP_KEY = "socket-directory:membership";
const DIRECTORY_TIMEOUT_MS = 3_000;

const log = createLogger({ service: "shared", module: "socket-membership" });

async function membershipOf(host: SocketHost) {
  const parsed = v.safeParse(MembershipSchema, await host.ctx.storage.get(MEMBERSHIP_KEY));
  return parsed.success ? parsed.output : null;
}

/**
 * After a socket is accepted: listed in the tenant's directory until this token's expiry. A
 * directory that cannot be reached is logged; the alarm's re-check still closes the socket.
 */
export async function joinSocketDirectory(host: SocketHost, auth: AuthContext): Promise<void> {
  const untilMs = auth.token?.expiresAtMs;
  if (untilMs === undefined) return;
  const current = await membershipOf(host);
  if (current && current.tenantId === auth.tenantId && current.untilMs >= untilMs) return;
  try {
    const entry = { objectId: host.ctx.id.toString(), untilMs };
    await withTimeout(host.directory(auth.tenantId).register(entry), DIRECTORY_TIMEOUT_MS);
    await host.ctx.storage.put(MEMBERSHIP_KEY, { tenantId: auth.tenantId, untilMs });
  } catch (e) {
    log.warn("socket directory unreachable; the alarm re-check remains", {
      tenantId: auth.tenantId,
      ...errorFields(e),
    });
  }
}

/** Once no socket is open: off the directory (an unregister that fails ends at the entry's expiry). */
export async function leaveSocketDirectory(host: SocketHost): Promise<void> {
  const current = await membershipOf(host);
  if (!current) return;
  await host.ctx.storage.delete(MEMBERSHIP_KEY);
  try {
    await withTimeout(host.directory(current.tenantId).unregister(host.ctx.id.toString()), DIRECTORY_TIMEOUT_MS);
  } catch (e) {
    log.warn("socket directory unregister failed", { tenantId: current.tenantId, ...errorFields(e) });
  }
}
