-- Record an officer's action on an alert, with a snapshot of the behaviour acted on.
INSERT INTO alert_actions (event_id, action, actor, acted_at, unit, reason,
                           kind, mmsi, other_mmsi, span_start, span_end)
SELECT q.id, $action, $actor, $acted_at, $unit, $reason,
       coalesce(e.kind, CASE WHEN q.id LIKE 'feed:%' THEN 'feed_silent' END),
       e.mmsi, e.other_mmsi, coalesce(e.start_time, f.silent_since), coalesce(e.end_time, f.resolved_at)
FROM (SELECT $event_id AS id) q
LEFT JOIN events e ON e.event_id = q.id
LEFT JOIN feed_alerts f ON q.id = 'feed:' || f.feed_alert_id
RETURNING action_id;
