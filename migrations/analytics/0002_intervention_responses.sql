-- Migration number: 0002 	 analytics: find an intervention's delivery from its responses
--
-- Insight per intervention kind (issue 15) joins each response to the delivery it answers, by
-- intervention id within the tenant: a search, not a scan of the course's events.
CREATE INDEX idx_learning_events_intervention ON learning_events (tenant_id, intervention_id);
