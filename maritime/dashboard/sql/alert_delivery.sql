-- The latest alerts raised by rules and watch lists (maritime.alerts), each with its rule,
-- severity and delivery state per sink ("sink: state" joined by ", "), watch-list hits first.
-- Parameters: $limit (BIGINT).
SELECT o.alert_id, epoch(o.created_at) AS created_s, o.rule_id, o.rule_version, o.severity, o.revision,
       o.payload->>'$.kind' AS kind, TRY_CAST(o.payload->>'$.mmsi' AS BIGINT) AS mmsi,
       o.payload->>'$.name' AS name, o.payload->>'$.zone' AS zone,
       o.payload->>'$.watchlist[0].list' AS watchlist, o.payload->>'$.watchlist[0].reason' AS reason,
       o.payload->>'$.kind' = 'watchlist_hit' AS hit,
       string_agg(d.sink || ': ' || d.state, ', ' ORDER BY d.sink) AS delivery,
       count(d.sink) FILTER (WHERE d.state = 'failed') AS failed,
       count(d.sink) FILTER (WHERE d.state IN ('pending', 'sending')) AS waiting
FROM alert_outbox o LEFT JOIN alert_deliveries d USING (alert_id)
GROUP BY ALL
ORDER BY hit DESC, created_s DESC, o.alert_id
LIMIT $limit;
