// The browser's copy of the learner's consent to signal capture, so the question is not asked on
// every launch. The record that counts is on the server (PUT /api/learners/me/consent), where
// struggle-detector refuses signals while consent is withdrawn. Inside a third-party iframe
// storage may be partitioned or refused, so a memory copy backs it up.
export type Consent = "granted" | "declined" | "unset";

const memory = new Map<string, string>();

function key(tenantId: string): string {
  return `atomic-guide:signal-consent:${tenantId}`;
}

export function readConsent(tenantId: string, storage: Storage | null = safeStorage()): Consent {
  let value: string | null | undefined;
  try {
    value = storage?.getItem(key(tenantId));
  } catch {
    value = undefined;
  }
  value ??= memory.get(key(tenantId)) ?? null;
  return value === "granted" || value === "declined" ? value : "unset";
}

export function writeConsent(tenantId: string, consent: Consent, storage: Storage | null = safeStorage()): void {
  memory.set(key(tenantId), consent);
  try {
    if (consent === "unset") storage?.removeItem(key(tenantId));
    else storage?.setItem(key(tenantId), consent);
  } catch {
    // Storage refused (blocked third-party storage): the memory copy lasts for this page.
  }
}

function safeStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
