-- The alerts of rows just claimed by one sink, oldest event first.
SELECT o.alert_id, o.event_id, o.rule_id, o.severity, o.revision, o.payload, o.created_at,
       d.attempts, o.enqueued_at
FROM alert_deliveries d JOIN alert_outbox o USING (alert_id)
WHERE d.sink = $sink AND d.state = 'sending' AND d.lease_until = $lease_until
ORDER BY o.created_at, o.alert_id;
