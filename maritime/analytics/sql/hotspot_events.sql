-- Event points for the hotspot models: start time (UTC seconds) and place, of one kind and
-- zone or all ($kind / $zone NULL).
SELECT epoch(start_time) AS t, lat, lon
FROM events
WHERE lat IS NOT NULL AND lon IS NOT NULL
  AND ($kind IS NULL OR kind = $kind) AND ($zone IS NULL OR zone = $zone)
ORDER BY start_time
