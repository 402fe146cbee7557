import {
  type AuthContext,
  type ChatRpc,
  errorFields,
  type LearnerProfile,
  nowIso,
  type RpcBinding,
} from "@atomic-guide/shared";
import { pinnedBinding } from "@atomic-guide/shared/rpc/version-pins";
import { withTimeout } from "@atomic-guide/shared/timeout";
import { changedMeaningfully, chatProfile } from "./profile";
import { firstRetryDelayMs, type LearnerRuntime } from "./runtime";

const RPC_TIMEOUT_MS = 2_000;

/** True when chat's copy of the profile is out of date in a way that changes its answers. */
export function profileDue(rt: LearnerRuntime): boolean {
  const next = chatProfile(rt.counters, rt.state, nowIso());
  return changedMeaningfully(rt.store.getMeta<LearnerProfile>("pushedProfile"), next);
}

/** Tells chat about the learner when the profile changed meaningfully; true when chat is up to date. */
export async function pushProfile(rt: LearnerRuntime, auth: AuthContext): Promise<boolean> {
  const next = chatProfile(rt.counters, rt.state, nowIso());
  if (!changedMeaningfully(rt.store.getMeta<LearnerProfile>("pushedProfile"), next)) return true;
  try {
    const chat = pinnedBinding<RpcBinding<ChatRpc>>(rt.env.CHAT, "chat", auth, rt.env.ENVIRONMENT);
    await withTimeout(chat.updateLearnerProfile(auth, next), RPC_TIMEOUT_MS);
    rt.store.setMeta("pushedProfile", next);
    return true;
  } catch (e) {
    rt.log.warn("chat profile push failed", errorFields(e));
    await rt.scheduleAlarm(Date.now() + firstRetryDelayMs(rt.env));
    return false;
  }
}
