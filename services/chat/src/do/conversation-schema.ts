import { IdleExpiry } from "@atomic-guide/shared/learner-retention/idle-expiry";
import { D1Outbox } from "@atomic-guide/shared/resilience/outbox";
import { LearningEventQueue } from "@atomic-guide/shared/rpc/learning-event-queue";
import type { StoredMessage } from "../db/archive";
import { ANALYTICS_EVENTS_TABLE } from "./analytics-events";

export type OwnerRow = {
  tenant_id: string;
  user_id: string;
  d1_binding: string | null;
  conversation_id: string;
  title: string | null;
  created_at: string;
};

export type MessageRow = {
  message_id: string;
  role: "user" | "assistant";
  content: string;
  provider: string | null;
  tokens: number;
  created_at: string;
};
export const toMessage = (r: MessageRow): StoredMessage => ({
  messageId: r.message_id,
  role: r.role,
  content: r.content,
  provider: r.provider,
  tokens: r.tokens,
  createdAt: r.created_at,
});

export const ARCHIVE_OUTBOX = "archive";
/** Bump with every change to CONVERSATION_DDL: objects marked with an older version run it again. */
export const CONVERSATION_SCHEMA_VERSION = "3";
export const CONVERSATION_DDL = `
  CREATE TABLE IF NOT EXISTS owner (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    tenant_id TEXT NOT NULL, user_id TEXT NOT NULL, d1_binding TEXT,
    conversation_id TEXT NOT NULL, title TEXT, created_at TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL, content TEXT NOT NULL, provider TEXT,
    tokens INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS archive_mark (id INTEGER PRIMARY KEY CHECK (id = 1), queued_seq INTEGER NOT NULL);
  -- Objects from before the mark queued every message as it was stored: all of theirs are queued.
  INSERT OR IGNORE INTO archive_mark (id, queued_seq) SELECT 1, COALESCE(MAX(seq), 0) FROM messages;
  ${D1Outbox.tablesDdl(ARCHIVE_OUTBOX)}
  ${LearningEventQueue.ddl(ANALYTICS_EVENTS_TABLE)}
  ${IdleExpiry.DDL}
`;
