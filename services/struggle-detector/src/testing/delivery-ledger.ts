// Test helper: moves a learner's last intervention back in time, as if the cooldown had passed.
// Through the object's own store, which keeps the meta values it last read or wrote.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { AuthContext } from "@atomic-guide/shared";
import type { LearnerRuntime } from "../do/runtime";
import { detectorFor } from "../do/stub";
import type { DeliveryLedger } from "../interventions/policy";

export function moveLastDeliveryBack(who: AuthContext, ms: number): Promise<void> {
  return runInDurableObject(detectorFor(env, who), (instance) => {
    const { store } = (instance as unknown as { rt: LearnerRuntime }).rt;
    const ledger = store.getMeta<DeliveryLedger>("ledger");
    if (ledger?.lastAt != null) store.setMeta("ledger", { ...ledger, lastAt: ledger.lastAt - ms });
  });
}
