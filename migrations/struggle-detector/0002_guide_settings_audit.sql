-- Who changed a course's guide settings (sensitivity, cooldown, daily cap, allowed interventions),
-- when, from what to what. The settings themselves live with the tenant's detector overrides in
-- KV TENANT_CONFIG; this is the record an institution asks for when a course behaves differently.
CREATE TABLE guide_settings_audit (
  tenant_id TEXT NOT NULL,
  context_id TEXT NOT NULL,
  change_id TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  changed_at TEXT NOT NULL,
  before_settings TEXT,
  after_settings TEXT NOT NULL,
  PRIMARY KEY (tenant_id, context_id, change_id)
);
