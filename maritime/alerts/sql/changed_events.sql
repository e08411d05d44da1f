-- Events written or rewritten by detection at or after $since (events.updated_at, the wall
-- clock of the detect run; NULL: every event), oldest first.
SELECT event_id, kind, mmsi, other_mmsi, start_time, end_time, lat, lon, zone, confidence, details, updated_at
FROM events
WHERE $since IS NULL OR updated_at >= $since
ORDER BY updated_at, event_id;
