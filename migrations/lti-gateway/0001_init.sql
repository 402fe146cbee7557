-- Migration number: 0001 	 lti-gateway: initial schema
-- Tenants (institutions). Everything else in every service is partitioned by tenant_id.
-- d1_binding names a dedicated D1 database for a tenant; NULL means the shared DB.
CREATE TABLE tenants (
  tenant_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  d1_binding TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
