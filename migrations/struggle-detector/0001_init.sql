-- Migration number: 0001 	 struggle-detector: initial schema
-- Learning sessions seen by StruggleDetectorDO. Partitioned by tenant.
CREATE TABLE learning_sessions (
  tenant_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  context_id TEXT,
  started_at TEXT NOT NULL,
  last_signal_at TEXT NOT NULL,
  signal_count INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, session_id)
);
CREATE INDEX idx_learning_sessions_tenant_user_started ON learning_sessions (tenant_id, user_id, started_at);
