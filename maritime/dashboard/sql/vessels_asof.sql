-- Every vessel heard in [$start, $end] at its latest position up to $end (review of a
-- past window).
WITH last AS (
    SELECT mmsi, arg_max(lon, ts) AS lon, arg_max(lat, ts) AS lat, max(ts) AS ts,
           arg_max(sog, ts) AS sog
    FROM positions
    WHERE ts >= $start AND ts <= $end
    GROUP BY mmsi
)
SELECT l.mmsi, l.lon, l.lat, epoch(l.ts) AS t, l.sog, v.ship_type, v.name
FROM last l LEFT JOIN vessels v USING (mmsi);
