import { env } from "cloudflare:workers";
import type { LearningEvent } from "@atomic-guide/shared";
import { describe, expect, it } from "vitest";
import { storeLearningEvents } from "../events/store";
import { EXPORT_REFRESH_MS, learnerExportKey, refreshAfterEvents } from "./snapshots";

const TENANT = "snap-tenant";
let seq = 0;

const chat = (userId: string, at: number): LearningEvent => ({
  eventId: `snap-${++seq}`,
  tenantId: TENANT,
  userId,
  contextId: "course-snap",
  at: new Date(at).toISOString(),
  type: "chat_message",
  conversationId: "conv-1",
  provider: "offline",
  tokens: 3,
});
const started = (userId: string, at: number): LearningEvent => ({
  eventId: `snap-${++seq}`,
  tenantId: TENANT,
  userId,
  contextId: "course-snap",
  at: new Date(at).toISOString(),
  type: "session_started",
  sessionId: `s-${seq}`,
});

/** Stores the events and runs the refresh the RPC runs after answering, at the test's own clock. */
async function record(events: LearningEvent[], now: number) {
  await storeLearningEvents(env, events);
  await refreshAfterEvents(env, events, now);
}

async function exportSnapshot(userId: string): Promise<string[]> {
  const envelope = await env.SNAPSHOTS.get<{ value: { learningEvents: { eventId: string }[] } }>(
    learnerExportKey(TENANT, userId),
    "json",
  );
  return envelope?.value.learningEvents.map((e) => e.eventId).sort() ?? [];
}

describe("the learner export snapshot that writes keep", () => {
  it("is written at a learner's first event, then at most once a minute while they are active", async () => {
    const now = Date.now();
    const first = chat("snap-active", now - 10 * 60_000);
    await record([first], now - 10 * 60_000);
    expect(await exportSnapshot("snap-active")).toEqual([first.eventId]);

    const soon = chat("snap-active", now - 10 * 60_000 + 10_000);
    await record([soon], now - 10 * 60_000 + 10_000);
    // Stored, but the snapshot is not re-read for it.
    expect(await exportSnapshot("snap-active")).toEqual([first.eventId]);

    const later = chat("snap-active", now - 10 * 60_000 + EXPORT_REFRESH_MS);
    await record([later], now - 10 * 60_000 + EXPORT_REFRESH_MS);
    expect(await exportSnapshot("snap-active")).toEqual([first.eventId, soon.eventId, later.eventId].sort());
  });

  it("is refreshed at the start of every session, however recent the last refresh", async () => {
    const now = Date.now();
    const first = chat("snap-session", now - 5_000);
    await record([first], now - 5_000);
    const between = chat("snap-session", now - 4_000);
    await record([between], now - 4_000);
    const session = started("snap-session", now - 3_000);
    await record([session], now - 3_000);
    expect(await exportSnapshot("snap-session")).toEqual([first.eventId, between.eventId, session.eventId].sort());
  });
});
