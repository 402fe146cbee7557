-- Migration number: 0002 	 analytics: per-kind insight and instructor help requests (issue 15)
--
-- Insight per intervention kind joins each response to the delivery it answers, by intervention
-- id within the tenant: a search, not a scan of the course's events.
CREATE INDEX idx_learning_events_intervention ON learning_events (tenant_id, intervention_id);

-- A help request (type help_requested) names the learner as their launch did, because they
-- agreed to be named to the course's instructors. Erased with the learner's other events.
ALTER TABLE learning_events ADD COLUMN learner_name TEXT;
