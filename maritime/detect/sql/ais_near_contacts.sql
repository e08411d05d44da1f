-- AIS reports around a batch of contacts (time window and box), with the vessel's length.
SELECT p.mmsi, epoch_us(p.ts) AS t_us, p.lat, p.lon, p.sog, p.cog, v.length_m
FROM positions p LEFT JOIN vessels v USING (mmsi)
WHERE p.ts BETWEEN $t0 AND $t1
  AND p.lat BETWEEN $lat0 AND $lat1
  AND p.lon BETWEEN $lon0 AND $lon1
