-- Migration number: 0003 	 analytics: instructor help requests (issue 15)
--
-- A help request (type help_requested) names the learner as their launch did, because they
-- agreed to be named to the course's instructors. Erased with the learner's other events.
ALTER TABLE learning_events ADD COLUMN learner_name TEXT;
