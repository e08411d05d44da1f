-- Append a batch of positions (registered as `batch`), skipping transmissions already stored:
-- the same MMSI and payload within the duplicate window ($window_us) of a stored row.
-- $lo and $hi bound the batch's time span so DuckDB prunes row groups by ts.
INSERT INTO positions
SELECT b.*, $run_id AS run_id
FROM batch b
ANTI JOIN (
    SELECT mmsi, payload_hash, ts FROM positions WHERE ts BETWEEN $lo AND $hi
) p
ON p.mmsi = b.mmsi
   AND p.payload_hash = b.payload_hash
   AND abs(epoch_us(p.ts) - epoch_us(b.ts)) <= $window_us;
