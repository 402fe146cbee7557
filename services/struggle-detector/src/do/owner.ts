import { type AuthContext, AuthContextSchema, parseWith } from "@atomic-guide/shared";
import type { VersionPins } from "@atomic-guide/shared/rpc/version-pins";
import type { LocalStore } from "./local-store";

/**
 * The learner this object belongs to, kept so the alarm (which has no caller) can act for them:
 * their database, course and the tenant's version pins as of their latest call, so what the
 * alarm sends (learning events to analytics, the profile to chat) reaches the versions and the
 * database the learner's own calls reach, after an eviction too. Roles are not kept: the alarm
 * only ever writes the learner's own rows.
 */
export interface Owner {
  tenantId: string;
  userId: string;
  d1Binding?: string | undefined;
  contextId?: string | undefined;
  pins?: VersionPins | undefined;
}

export const ownerOf = (auth: AuthContext): Owner => ({
  tenantId: auth.tenantId,
  userId: auth.userId,
  d1Binding: auth.d1Binding,
  contextId: auth.contextId,
  pins: auth.pins,
});

export const authOf = (owner: Owner): AuthContext => ({
  tenantId: owner.tenantId,
  userId: owner.userId,
  roles: [],
  isInstructor: false,
  ...(owner.d1Binding ? { d1Binding: owner.d1Binding } : {}),
  ...(owner.contextId ? { contextId: owner.contextId } : {}),
  ...(owner.pins ? { pins: owner.pins } : {}),
});

const samePins = (a: VersionPins | undefined, b: VersionPins | undefined) =>
  JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});

export const storedOwner = (store: LocalStore) => store.getMeta<Owner>("owner");

/** Validates the caller and binds the object to its learner on first use; a mismatch is a routing bug. */
export function claim(store: LocalStore, input: AuthContext): AuthContext {
  const auth = parseWith(AuthContextSchema, input);
  const owner = storedOwner(store);
  if (owner && (owner.tenantId !== auth.tenantId || owner.userId !== auth.userId)) {
    throw new Error("StruggleDetectorDO reached for a learner it does not belong to");
  }
  const next = ownerOf(auth);
  if (
    !owner ||
    owner.d1Binding !== next.d1Binding ||
    owner.contextId !== next.contextId ||
    !samePins(owner.pins, next.pins)
  ) {
    store.setMeta("owner", next);
  }
  return auth;
}
