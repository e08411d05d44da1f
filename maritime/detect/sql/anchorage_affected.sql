-- Stored events whose outcome depends on the distance to the nearest port or anchorage, with
-- what maritime.detect.anchorages.affected_since needs (times as UTC epoch seconds).
SELECT kind, epoch(start_time) AS start_s, epoch(end_time) AS end_s, lat, lon,
       TRY_CAST(details->>'$.distance_to_port_km' AS DOUBLE) AS port_km,
       TRY_CAST(details->>'$.reappeared.lat' AS DOUBLE) AS next_lat,
       TRY_CAST(details->>'$.reappeared.lon' AS DOUBLE) AS next_lon
FROM events
WHERE kind IN ('loitering', 'rendezvous', 'dark_period')
