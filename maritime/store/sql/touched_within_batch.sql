-- The transmissions a batch of records that was not merged on decoding (a CSV batch)
-- holds more than once: two copies within the duplicate window ($window_us).
INSERT INTO touched
SELECT DISTINCT mmsi, payload_hash FROM (
    SELECT mmsi, payload_hash,
           epoch_us(ts) - lag(epoch_us(ts)) OVER (PARTITION BY mmsi, payload_hash ORDER BY ts) AS gap
    FROM rec_batch
)
WHERE gap <= $window_us
EXCEPT
SELECT mmsi, payload_hash FROM touched;
