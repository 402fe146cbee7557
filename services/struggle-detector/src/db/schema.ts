/** The service's D1 tables (migrations/struggle-detector), as kysely sees them. */
export interface LearningSessionsTable {
  tenant_id: string;
  user_id: string;
  session_id: string;
  context_id: string | null;
  launch_id: string | null;
  started_at: string;
  last_signal_at: string | null;
  signal_count: number;
  struggle_count: number;
  intervention_count: number;
  peak_score: number;
}

export interface StruggleEventsTable {
  tenant_id: string;
  event_id: string;
  user_id: string;
  session_id: string;
  context_id: string | null;
  element_id: string | null;
  level: "watch" | "struggling";
  score: number;
  drivers: string;
  detected_at: string;
}

export interface InterventionsTable {
  tenant_id: string;
  intervention_id: string;
  user_id: string;
  session_id: string;
  context_id: string | null;
  kind: string;
  element_id: string | null;
  message: string;
  drivers: string;
  delivered_via: string;
  created_at: string;
  outcome: string | null;
  responded_at: string | null;
}

export interface LearnerProfilesTable {
  tenant_id: string;
  user_id: string;
  profile: string;
  updated_at: string;
}

export interface GuideSettingsAuditTable {
  tenant_id: string;
  context_id: string;
  change_id: string;
  changed_by: string;
  changed_at: string;
  before_settings: string | null;
  after_settings: string;
}

export interface StruggleDb {
  learning_sessions: LearningSessionsTable;
  struggle_events: StruggleEventsTable;
  interventions: InterventionsTable;
  learner_profiles: LearnerProfilesTable;
  guide_settings_audit: GuideSettingsAuditTable;
}
