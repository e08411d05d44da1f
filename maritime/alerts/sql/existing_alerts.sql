-- The stored severity and revision of the alerts about to be enqueued.
SELECT alert_id, severity_rank, revision
FROM alert_outbox
WHERE alert_id IN (SELECT unnest($ids));
