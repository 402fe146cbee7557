import type { ExpiryReason } from "@atomic-guide/shared/learner-retention/idle-expiry";
import { copyDue } from "./d1-sync";
import { eraseLearnerData } from "./learner-data";
import { authOf, storedOwner } from "./owner";
import type { LearnerRuntime } from "./runtime";
import { closeAllRevoked } from "./sockets";

/**
 * Retention and offboarding for what only this object holds (signals, consent, rows still in
 * the outbox or the analytics queue): run first in the alarm. An expired learner is erased as
 * their own erasure request would (object and D1 rows); for an offboarded tenant the object is
 * only emptied, because offboarding already deleted the tenant's rows and its database may be gone.
 */
export async function expireIdleLearner(rt: LearnerRuntime): Promise<boolean> {
  // The debounced copy counts: a new session reaches D1 only through it, so offboarding may not
  // have found this learner in D1 and the copy must not re-create their rows there.
  const writesWaiting = copyDue(rt) || rt.outbox.pending() > 0 || rt.events.hasPending();
  return rt.expiry.expireIfDue(writesWaiting, (reason) => wipe(rt, reason));
}

async function wipe(rt: LearnerRuntime, reason: ExpiryReason): Promise<void> {
  const owner = storedOwner(rt.store);
  rt.log.info("learner object wiped", { reason, tenantId: owner?.tenantId });
  if (reason === "expired" && owner) {
    await eraseLearnerData(rt, authOf(owner));
    return;
  }
  closeAllRevoked(rt.ctx);
  await rt.ctx.storage.deleteAlarm();
  await rt.ctx.storage.deleteAll();
  rt.reset();
}
