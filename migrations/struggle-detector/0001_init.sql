-- Migration number: 0001 	 struggle-detector: initial schema
-- Written only by StruggleDetectorDO through its outbox (idempotent upserts), read by the API.
-- Every table is partitioned by tenant: tenant_id leads each primary key and index.

-- Learning sessions. Session ids may come from the client, so they are unique per learner only.
CREATE TABLE learning_sessions (
  tenant_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  context_id TEXT,
  launch_id TEXT,
  started_at TEXT NOT NULL,
  last_signal_at TEXT,
  signal_count INTEGER NOT NULL DEFAULT 0,
  struggle_count INTEGER NOT NULL DEFAULT 0,
  intervention_count INTEGER NOT NULL DEFAULT 0,
  peak_score REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, user_id, session_id)
);
CREATE INDEX idx_learning_sessions_tenant_user_started ON learning_sessions (tenant_id, user_id, started_at, session_id);

-- Moments the detector raised a learner to watch or struggling.
CREATE TABLE struggle_events (
  tenant_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  context_id TEXT,
  element_id TEXT,
  level TEXT NOT NULL CHECK (level IN ('watch', 'struggling')),
  score REAL NOT NULL,
  drivers TEXT NOT NULL,
  detected_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, event_id)
);
CREATE INDEX idx_struggle_events_tenant_user_detected ON struggle_events (tenant_id, user_id, detected_at);
CREATE INDEX idx_struggle_events_tenant_context_element ON struggle_events (tenant_id, context_id, element_id);

-- Interventions offered and what the learner did with them.
CREATE TABLE interventions (
  tenant_id TEXT NOT NULL,
  intervention_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  context_id TEXT,
  kind TEXT NOT NULL,
  element_id TEXT,
  message TEXT NOT NULL,
  drivers TEXT NOT NULL,
  delivered_via TEXT NOT NULL,
  created_at TEXT NOT NULL,
  outcome TEXT CHECK (outcome IN ('accepted', 'dismissed', 'helpful', 'not_helpful')),
  responded_at TEXT,
  PRIMARY KEY (tenant_id, intervention_id)
);
CREATE INDEX idx_interventions_tenant_user_created ON interventions (tenant_id, user_id, created_at, intervention_id);
CREATE INDEX idx_interventions_tenant_context_created ON interventions (tenant_id, context_id, created_at);

-- What the detector has learned about each learner (running figures), one row per learner.
CREATE TABLE learner_profiles (
  tenant_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  profile TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, user_id)
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
