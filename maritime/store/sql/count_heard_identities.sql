-- A transmission heard again in a later batch by another station: count the station.
UPDATE identity_reports AS p
SET n_stations = p.n_stations + b.n_stations
FROM id_batch b
WHERE p.mmsi = b.mmsi
  AND p.payload_hash = b.payload_hash
  AND p.ts BETWEEN $lo AND $hi
  AND abs(epoch_us(p.ts) - epoch_us(b.ts)) <= $window_us
  AND p.station IS DISTINCT FROM b.station;
