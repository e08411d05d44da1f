-- Events for people and partner agencies, newest first; every filter is optional (NULL).
SELECT event_id, kind, mmsi, other_mmsi, start_time, end_time, lat, lon, zone, confidence,
       CAST(details AS VARCHAR) AS details
FROM events
WHERE ($kind IS NULL OR kind = $kind)
  AND ($zone IS NULL OR zone = $zone)
  AND ($since IS NULL OR coalesce(end_time, TIMESTAMPTZ '9999-12-31 00:00:00+00') >= $since)
  AND confidence >= $min_confidence
ORDER BY start_time DESC, event_id
