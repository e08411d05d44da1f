-- Alerts with their delivery state per sink, newest event first (`maritime alerts`); an alert
-- queued with no sink has one row with sink and state NULL. $state: only rows in that state.
SELECT o.alert_id, o.created_at, o.rule_id, o.rule_version, o.severity, o.revision,
       o.payload->>'$.kind' AS kind, TRY_CAST(o.payload->>'$.mmsi' AS BIGINT) AS mmsi, o.payload->>'$.zone' AS zone,
       d.sink, d.state, d.attempts, d.delivered_at, d.last_error, o.event_id
FROM alert_outbox o LEFT JOIN alert_deliveries d USING (alert_id)
WHERE $state IS NULL OR d.state = $state
ORDER BY o.created_at DESC, o.alert_id, d.sink;
