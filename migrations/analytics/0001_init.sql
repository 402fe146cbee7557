-- Migration number: 0001 	 analytics: metrics, rollups, learning events, roster, audit log
--
-- Operator metrics (request_samples, query_samples, *_rollups, metrics_dropped) are read across
-- tenants by /admin/metrics, so besides the tenant-led keys they carry (service, time) indexes,
-- and (time) indexes for the retention sweep. Query metrics carry no tenant: a D1 call is
-- measured below the tenant layer. Everything a learner or an instructor reads is tenant-led.

-- Raw request samples ('-' when the request carried no tenant), kept RAW_RETENTION_DAYS.
CREATE TABLE request_samples (
  tenant_id TEXT NOT NULL,
  service TEXT NOT NULL,
  route TEXT NOT NULL,
  method TEXT NOT NULL,
  status INTEGER NOT NULL,
  duration_ms REAL NOT NULL,
  d1_ms REAL,
  at TEXT NOT NULL
);
CREATE INDEX idx_request_samples_tenant_service_at ON request_samples (tenant_id, service, at);
CREATE INDEX idx_request_samples_at ON request_samples (at);

-- Raw D1 query samples, kept RAW_RETENTION_DAYS.
CREATE TABLE query_samples (
  service TEXT NOT NULL,
  name TEXT NOT NULL,
  duration_ms REAL NOT NULL,
  rows_read INTEGER NOT NULL,
  rows_written INTEGER NOT NULL,
  ok INTEGER NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX idx_query_samples_service_at ON query_samples (service, at);
CREATE INDEX idx_query_samples_at ON query_samples (at);

-- Per-minute rollups (minute = 'YYYY-MM-DDTHH:MM'), kept ROLLUP_RETENTION_DAYS. `hist` is a
-- sparse log-bucket histogram (JSON) so windows longer than a minute get percentiles too.
CREATE TABLE request_rollups (
  tenant_id TEXT NOT NULL,
  service TEXT NOT NULL,
  route TEXT NOT NULL,
  minute TEXT NOT NULL,
  count INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  p50_ms REAL NOT NULL,
  p95_ms REAL NOT NULL,
  p99_ms REAL NOT NULL,
  max_ms REAL NOT NULL,
  total_ms REAL NOT NULL,
  d1_ms REAL NOT NULL,
  d1_count INTEGER NOT NULL,
  hist TEXT NOT NULL,
  PRIMARY KEY (tenant_id, service, route, minute)
) WITHOUT ROWID;
CREATE INDEX idx_request_rollups_tenant_minute ON request_rollups (tenant_id, minute);
CREATE INDEX idx_request_rollups_service_minute ON request_rollups (service, minute);
CREATE INDEX idx_request_rollups_minute ON request_rollups (minute);

CREATE TABLE query_rollups (
  service TEXT NOT NULL,
  name TEXT NOT NULL,
  minute TEXT NOT NULL,
  count INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  p50_ms REAL NOT NULL,
  p95_ms REAL NOT NULL,
  p99_ms REAL NOT NULL,
  max_ms REAL NOT NULL,
  total_ms REAL NOT NULL,
  rows_read INTEGER NOT NULL,
  rows_written INTEGER NOT NULL,
  hist TEXT NOT NULL,
  PRIMARY KEY (service, minute, name)
) WITHOUT ROWID;
CREATE INDEX idx_query_rollups_minute ON query_rollups (minute);

-- Samples services dropped while analytics was unreachable, per service and minute received.
CREATE TABLE metrics_dropped (
  service TEXT NOT NULL,
  minute TEXT NOT NULL,
  dropped INTEGER NOT NULL,
  PRIMARY KEY (service, minute)
) WITHOUT ROWID;

-- Learning events from struggle-detector and chat; event_id is the idempotency key.
CREATE TABLE learning_events (
  tenant_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  type TEXT NOT NULL,
  user_id TEXT NOT NULL,
  context_id TEXT,
  at TEXT NOT NULL,
  session_id TEXT,
  element_id TEXT,
  intervention_id TEXT,
  kind TEXT,
  level TEXT,
  score REAL,
  action TEXT,
  conversation_id TEXT,
  provider TEXT,
  tokens INTEGER,
  PRIMARY KEY (tenant_id, event_id)
) WITHOUT ROWID;
CREATE INDEX idx_learning_events_context_type_at ON learning_events (tenant_id, context_id, type, at);
CREATE INDEX idx_learning_events_context_at_user ON learning_events (tenant_id, context_id, at, user_id);
CREATE INDEX idx_learning_events_user ON learning_events (tenant_id, user_id);
CREATE INDEX idx_learning_events_tenant_at ON learning_events (tenant_id, at);
CREATE INDEX idx_learning_events_at ON learning_events (at);

-- Course rosters from LTI Names and Roles, replaced at each instructor launch.
CREATE TABLE course_roster (
  tenant_id TEXT NOT NULL,
  context_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  name TEXT,
  roles TEXT NOT NULL,
  is_learner INTEGER NOT NULL,
  synced_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, context_id, user_id)
) WITHOUT ROWID;
CREATE INDEX idx_course_roster_user ON course_roster (tenant_id, user_id);

-- Who read or exported whose data, when, through which route. Kept AUDIT_RETENTION_DAYS.
CREATE TABLE audit_log (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  at TEXT NOT NULL,
  actor_user_id TEXT NOT NULL,
  action TEXT NOT NULL,
  route TEXT NOT NULL,
  subject_user_id TEXT,
  context_id TEXT,
  PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;
CREATE INDEX idx_audit_log_tenant_at ON audit_log (tenant_id, at);
CREATE INDEX idx_audit_log_subject ON audit_log (tenant_id, subject_user_id, at);
CREATE INDEX idx_audit_log_at ON audit_log (at);
