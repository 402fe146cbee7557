-- Migration number: 0001 	 analytics: initial schema
-- Raw request samples, batched in by MetricsBufferDO. Partitioned by tenant ('-' for none).
CREATE TABLE request_metrics (
  tenant_id TEXT NOT NULL,
  service TEXT NOT NULL,
  route TEXT NOT NULL,
  status INTEGER NOT NULL,
  duration_ms REAL NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX idx_request_metrics_tenant_service_at ON request_metrics (tenant_id, service, at);
