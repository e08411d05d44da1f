-- Append a batch of identity reports (registered as `id_batch`), skipping transmissions already
-- stored: the same MMSI and payload within the duplicate window ($window_us) of a stored
-- row. $lo and $hi bound the batch's time span so DuckDB prunes row groups by ts.
INSERT INTO identity_reports
SELECT b.*, $run_id AS run_id
FROM id_batch b
WHERE NOT EXISTS (
    SELECT 1 FROM identity_reports p
    WHERE p.mmsi = b.mmsi
      AND p.payload_hash = b.payload_hash
      AND p.ts BETWEEN $lo AND $hi
      AND abs(epoch_us(p.ts) - epoch_us(b.ts)) <= $window_us
);
