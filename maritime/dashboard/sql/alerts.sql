-- Alerts (events and feed silences) overlapping a data-time window, with their workflow
-- status, filtered. Every value typed into the page arrives as a bound parameter.
--
-- Parameters: $start, $end (TIMESTAMPTZ, data time; NULL = unbounded), $kinds, $zones,
-- $statuses (VARCHAR[]; empty = all), $min_conf (DOUBLE), $mmsi (INTEGER or NULL: events of
-- that vessel as either party), $feed_since (TIMESTAMPTZ, wall clock: feed alerts resolved
-- before it are left out), $limit (BIGINT).
--
-- Status: the latest action (wall clock) among those that apply to the alert. An action
-- applies to its own event_id, and to any event of the same kind and MMSI (same partner pair
-- in either order) that starts within the acted-on behaviour's data-time span: from its start
-- less 15 minutes to its end, read from the events table while the acted-on event is there,
-- else from the snapshot taken at the action; an open end (NULL) covers every later start
-- until the behaviour ends. See maritime/store/sql/schema_alerts.sql.
WITH ev AS (
    SELECT e.event_id, e.kind, e.mmsi, e.other_mmsi, e.start_time, e.end_time, e.lat, e.lon,
           e.zone, e.confidence, CAST(e.details AS VARCHAR) AS details
    FROM events e
    WHERE ($end IS NULL OR e.start_time <= $end)
      AND ($start IS NULL OR e.end_time IS NULL OR e.end_time >= $start)
      AND ($mmsi IS NULL OR e.mmsi = $mmsi OR e.other_mmsi = $mmsi)
    UNION ALL
    SELECT 'feed:' || f.feed_alert_id, 'feed_silent', NULL, NULL, f.silent_since, f.resolved_at,
           NULL, NULL, NULL, 1.0,
           CAST(json_object('feed', f.feed, 'last_error', f.last_error) AS VARCHAR)
    FROM feed_alerts f
    WHERE $mmsi IS NULL AND (f.resolved_at IS NULL OR f.resolved_at >= $feed_since)
),
acts AS (
    SELECT a.action_id, a.event_id, a.action, a.actor, a.acted_at, a.unit, a.reason,
           a.kind, a.mmsi, a.other_mmsi, a.span_start,
           src.event_id IS NOT NULL AS src_present,
           CASE WHEN src.event_id IS NOT NULL THEN src.end_time ELSE a.span_end END AS span_end
    FROM alert_actions a LEFT JOIN events src ON src.event_id = a.event_id
    WHERE a.action IN ('acknowledge', 'assign', 'dismiss', 'reopen')
),
applied AS (
    SELECT ev.event_id, a.action, a.actor, a.acted_at, a.unit, a.reason, a.action_id
    FROM ev JOIN acts a ON a.event_id = ev.event_id
    UNION
    SELECT ev.event_id, a.action, a.actor, a.acted_at, a.unit, a.reason, a.action_id
    FROM ev JOIN acts a
      ON a.kind = ev.kind AND a.mmsi IS NOT NULL
     AND ((a.mmsi = ev.mmsi AND a.other_mmsi IS NOT DISTINCT FROM ev.other_mmsi)
          OR (a.mmsi = ev.other_mmsi AND a.other_mmsi = ev.mmsi))
     AND ev.start_time >= a.span_start - INTERVAL 15 MINUTE
     AND (a.span_end IS NULL OR ev.start_time <= a.span_end)
),
latest AS (
    SELECT event_id,
           arg_max(action, (acted_at, action_id)) AS action,
           arg_max(actor, (acted_at, action_id)) AS actor,
           arg_max(acted_at, (acted_at, action_id)) AS acted_at,
           arg_max_null(reason, (acted_at, action_id)) AS reason,  -- the latest action's (NULL after a reopen)
           arg_max(unit, (acted_at, action_id)) FILTER (WHERE action = 'assign') AS unit,
           count(*) AS n_actions
    FROM applied GROUP BY event_id
),
rows AS (
    SELECT ev.*,
           CASE l.action WHEN 'acknowledge' THEN 'acknowledged' WHEN 'assign' THEN 'assigned'
                         WHEN 'dismiss' THEN 'dismissed' ELSE 'new' END AS status,
           l.actor, l.acted_at, l.unit, l.reason, coalesce(l.n_actions, 0) AS n_actions
    FROM ev LEFT JOIN latest l USING (event_id)
)
SELECT r.event_id, r.kind, r.mmsi, r.other_mmsi, v.name, v.flag, o.name AS other_name,
       epoch(r.start_time) AS start_s, epoch(r.end_time) AS end_s, r.lat, r.lon, r.zone,
       r.confidence, r.details, r.status, r.actor, epoch(r.acted_at) AS acted_s, r.unit, r.reason,
       r.n_actions
FROM rows r
LEFT JOIN vessels v ON v.mmsi = r.mmsi
LEFT JOIN vessels o ON o.mmsi = r.other_mmsi
WHERE (len($kinds::VARCHAR[]) = 0 OR list_contains($kinds::VARCHAR[], r.kind))
  AND (len($zones::VARCHAR[]) = 0 OR list_contains($zones::VARCHAR[], r.zone))
  AND (len($statuses::VARCHAR[]) = 0 OR list_contains($statuses::VARCHAR[], r.status))
  AND r.confidence >= $min_conf
ORDER BY (r.status = 'new') DESC, r.end_time IS NULL DESC, r.start_time DESC, r.event_id
LIMIT $limit;
