-- One vessel's latest report at or before $end.
SELECT epoch(ts) AS t, lat, lon, sog, cog
FROM positions
WHERE mmsi = $mmsi AND ts <= $end
ORDER BY ts DESC
LIMIT 1;
