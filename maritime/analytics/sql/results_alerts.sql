-- Alerts for the Results metrics: every event since $since, whether an officer acted on it
-- (an alert_actions row other than a dismissal), the unit it was last assigned to, and its
-- confidence (for the confirmation rate at each threshold).
SELECT e.event_id, e.kind, e.zone, e.start_time, e.confidence,
       EXISTS (SELECT 1 FROM alert_actions a WHERE a.event_id = e.event_id AND a.action <> 'dismiss') AS acted,
       (SELECT a.unit FROM alert_actions a WHERE a.event_id = e.event_id AND a.action = 'assign'
        ORDER BY a.acted_at DESC LIMIT 1) AS assigned_unit
FROM events e
WHERE $since IS NULL OR e.start_time >= $since
