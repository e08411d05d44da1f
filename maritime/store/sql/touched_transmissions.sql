-- The transmissions (MMSI, payload) of a batch of receptions (registered as `rec_batch`)
-- that earlier batches heard too: a stored copy within the duplicate window ($window_us)
-- of a copy in the batch. Only batch copies inside [$risk_lo, $risk_hi] can have one (the
-- span of the stored receptions near the batch, widened by the window); $lo and $hi bound
-- the batch's span, widened by the window, so DuckDB prunes row groups by ts.
-- Each comes with its message type and kind (see maritime.records.RECEPTION_SCHEMA).
CREATE OR REPLACE TEMP TABLE touched AS
SELECT b.mmsi, b.payload_hash, any_value(b.msg_type) AS msg_type, any_value(b.kind) AS kind
FROM rec_batch b
JOIN receptions r
  ON r.mmsi = b.mmsi
 AND r.payload_hash = b.payload_hash
 AND abs(epoch_us(r.ts) - epoch_us(b.ts)) <= $window_us
WHERE b.ts BETWEEN $risk_lo AND $risk_hi
  AND r.ts BETWEEN $lo AND $hi
GROUP BY b.mmsi, b.payload_hash;
