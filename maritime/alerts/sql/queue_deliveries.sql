-- One pending delivery row per (alert, sink) at the alert's revision; a row that exists (the
-- severity rose) starts over as pending.
INSERT INTO alert_deliveries
SELECT a.alert_id, s.sink, a.revision, 'pending', 0, $now, NULL, NULL, NULL, NULL
FROM (SELECT unnest($ids) AS alert_id, unnest($revisions) AS revision) a
CROSS JOIN (SELECT unnest($sinks) AS sink) s
ON CONFLICT (alert_id, sink) DO UPDATE SET
    revision = excluded.revision, state = 'pending', attempts = 0, next_attempt_at = excluded.next_attempt_at,
    lease_until = NULL, last_error = NULL, delivered_at = NULL, digest_id = NULL;
