-- Migration number: 0001 	 chat: initial schema
-- Conversations archived from ChatConversationDO. Partitioned by tenant.
CREATE TABLE conversations (
  tenant_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  title TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, conversation_id)
);
CREATE INDEX idx_conversations_tenant_user_updated ON conversations (tenant_id, user_id, updated_at);

-- Every message, archived from the conversation's Durable Object through its outbox. The
-- message id makes a replayed archive batch a no-op (INSERT ... ON CONFLICT DO NOTHING).
CREATE TABLE messages (
  tenant_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
  content TEXT NOT NULL,
  provider TEXT,
  tokens INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, conversation_id, message_id)
);
CREATE INDEX idx_messages_tenant_user ON messages (tenant_id, user_id);

-- The tenant's FAQ knowledge base, per course (course_id NULL: every course of the tenant),
-- managed through /admin/tenants/:tenantId/faq and searched with FTS5 before any model is asked.
CREATE TABLE faq_entries (
  tenant_id TEXT NOT NULL,
  faq_id TEXT NOT NULL,
  course_id TEXT,
  question TEXT NOT NULL,
  answer TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  -- Its row in faq_fts: FTS5 finds rows by rowid or MATCH only, not by its UNINDEXED columns.
  fts_rowid INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, faq_id)
);
CREATE INDEX idx_faq_entries_tenant_course ON faq_entries (tenant_id, course_id);
-- Kept in step with faq_entries by the repository, in the same D1 batch.
CREATE VIRTUAL TABLE faq_fts USING fts5(
  question,
  answer,
  tenant_id UNINDEXED,
  faq_id UNINDEXED,
  tokenize = 'porter unicode61'
);

-- The outbox's record of applied entries (packages/shared/src/resilience/outbox.ts creates it
-- with the same definition if missing). Created here so the hourly prune of keys past retention
-- searches applied_at instead of scanning every key of every tenant.
CREATE TABLE _outbox_applied (
  tenant_id TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  applied_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, idempotency_key)
) WITHOUT ROWID;
CREATE INDEX idx_outbox_applied_at ON _outbox_applied (applied_at);
