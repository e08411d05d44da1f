-- Stored events that a detection run recomputes: those starting at or after $from, and
-- those still open or ending at or after $recompute (their start may be older).
SELECT event_id, kind, mmsi, other_mmsi, epoch(start_time) AS start_s, epoch(end_time) AS end_s,
       lat, lon, zone, confidence, CAST(details AS VARCHAR) AS details
FROM events
WHERE start_time >= $from OR end_time IS NULL OR end_time >= $recompute
