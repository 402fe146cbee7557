import type { Kysely } from "kysely";

/** What every per-minute rollup row holds, whatever it rolls up; a late sample merges into it. */
export interface RollupFigures {
  count: number;
  errors: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  total_ms: number;
  hist: string;
}

/** Analytics' D1 tables as kysely sees them (migrations/analytics is the source of truth). */
export interface AnalyticsDatabase {
  request_samples: {
    tenant_id: string;
    service: string;
    route: string;
    method: string;
    status: number;
    duration_ms: number;
    d1_ms: number | null;
    at: string;
  };
  query_samples: {
    service: string;
    name: string;
    duration_ms: number;
    rows_read: number;
    rows_written: number;
    ok: number;
    at: string;
  };
  request_rollups: RollupFigures & {
    tenant_id: string;
    service: string;
    route: string;
    minute: string;
    d1_ms: number;
    d1_count: number;
  };
  query_rollups: RollupFigures & {
    service: string;
    name: string;
    minute: string;
    rows_read: number;
    rows_written: number;
  };
  metrics_dropped: { service: string; minute: string; dropped: number };
  learning_events: {
    tenant_id: string;
    event_id: string;
    type: string;
    user_id: string;
    context_id: string | null;
    at: string;
    session_id: string | null;
    element_id: string | null;
    intervention_id: string | null;
    kind: string | null;
    level: string | null;
    score: number | null;
    action: string | null;
    conversation_id: string | null;
    provider: string | null;
    tokens: number | null;
    /** Only on help_requested: the name the learner agreed to be shown by. */
    learner_name: string | null;
  };
  course_roster: {
    tenant_id: string;
    context_id: string;
    user_id: string;
    name: string | null;
    roles: string;
    is_learner: number;
    synced_at: string;
  };
  audit_log: {
    tenant_id: string;
    id: string;
    at: string;
    actor_user_id: string;
    action: string;
    route: string;
    subject_user_id: string | null;
    context_id: string | null;
  };
}

export type Db = Kysely<AnalyticsDatabase>;
