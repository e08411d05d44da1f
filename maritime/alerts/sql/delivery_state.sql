-- Every alert with its delivery state per sink (what `maritime alerts` lists).
SELECT o.alert_id, o.event_id, o.rule_id, o.severity, o.revision, o.created_at,
       d.sink, d.state, d.attempts, d.next_attempt_at, d.last_error, d.delivered_at, d.digest_id,
       o.rule_version, o.payload->>'$.kind' = 'watchlist_hit' AS watchlist_hit
FROM alert_outbox o JOIN alert_deliveries d USING (alert_id)
ORDER BY o.created_at, o.alert_id, d.sink;
