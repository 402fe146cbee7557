-- How learners of a course rated each kind of intervention, per lead driver: what the per-course
-- choice of kind (Thompson sampling, docs/struggle-detection.md) learns from. Counts only, no learner.
CREATE TABLE course_kind_outcomes (
  tenant_id TEXT NOT NULL,
  context_id TEXT NOT NULL,
  driver TEXT NOT NULL,
  kind TEXT NOT NULL,
  helpful INTEGER NOT NULL DEFAULT 0,
  not_helpful INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, context_id, driver, kind)
) WITHOUT ROWID;
