-- Append a batch of positions (registered as `batch`), skipping transmissions already stored:
-- the same MMSI and payload within the duplicate window ($window_us) of a stored row.
-- Only rows inside [$risk_lo, $risk_hi] can have a stored twin (it is the span of the
-- stored rows near the batch, widened by the window); the rest are appended directly.
-- $lo and $hi bound the batch's span so DuckDB prunes row groups by ts.
INSERT INTO positions
SELECT b.*, $run_id AS run_id
FROM batch b
WHERE b.ts NOT BETWEEN $risk_lo AND $risk_hi
UNION ALL
SELECT b.*, $run_id AS run_id
FROM batch b
ANTI JOIN (
    SELECT mmsi, payload_hash, ts FROM positions WHERE ts BETWEEN $lo AND $hi
) p
ON p.mmsi = b.mmsi
   AND p.payload_hash = b.payload_hash
   AND abs(epoch_us(p.ts) - epoch_us(b.ts)) <= $window_us
WHERE b.ts BETWEEN $risk_lo AND $risk_hi;
