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
