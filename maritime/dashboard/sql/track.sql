-- One vessel's reports in [$start, $end], in time order.
SELECT epoch(ts) AS t, lon, lat, sog, cog
FROM positions
WHERE mmsi = $mmsi AND ts >= $start AND ts <= $end
ORDER BY ts;
