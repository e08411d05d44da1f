-- A transmission heard again in a later batch by another station: count the station.
-- Batch rows outside [$heard_lo, $heard_hi] and stored rows outside [$near_lo, $near_hi]
-- are left out of the join; the store passes the whole span unless that cannot change
-- the result (see Store._append_records).
UPDATE positions AS p
SET n_stations = p.n_stations + b.n_stations
FROM batch b
WHERE p.mmsi = b.mmsi
  AND p.payload_hash = b.payload_hash
  AND p.ts BETWEEN $near_lo AND $near_hi
  AND b.ts BETWEEN $heard_lo AND $heard_hi
  AND abs(epoch_us(p.ts) - epoch_us(b.ts)) <= $window_us
  AND p.station IS DISTINCT FROM b.station;
