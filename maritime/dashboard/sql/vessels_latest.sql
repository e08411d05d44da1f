-- Every vessel heard in [$start, $end] at its latest position, from the vessels table
-- (the live picture: $end is the latest data time).
SELECT mmsi, last_lon AS lon, last_lat AS lat, epoch(last_seen) AS t, last_sog AS sog,
       ship_type, name
FROM vessels
WHERE last_seen >= $start AND last_seen <= $end AND last_lat IS NOT NULL AND last_lon IS NOT NULL;
