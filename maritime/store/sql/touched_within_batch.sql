-- The transmissions a batch of records that was not merged on decoding (a CSV batch)
-- holds more than once: two copies within the duplicate window ($window_us).
INSERT INTO touched
SELECT mmsi, payload_hash, any_value(msg_type), any_value(kind) FROM (
    SELECT mmsi, payload_hash, msg_type, kind,
           epoch_us(ts) - lag(epoch_us(ts)) OVER (PARTITION BY mmsi, payload_hash ORDER BY ts) AS gap
    FROM rec_batch
)
WHERE gap <= $window_us AND (mmsi, payload_hash) NOT IN (SELECT (mmsi, payload_hash) FROM touched)
GROUP BY mmsi, payload_hash;
