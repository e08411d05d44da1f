-- The transmissions of the touched keys no record table holds (kind 0: other message types,
-- reports without a position) among the copies in {source} within [$a, $b], by message
-- type: a new transmission wherever the gap to the copy before exceeds $window_us.
WITH heard AS (
    SELECT r.mmsi, r.payload_hash, r.ts
    FROM {source} r
    SEMI JOIN touched t ON r.mmsi = t.mmsi AND r.payload_hash = t.payload_hash AND t.kind = 0
    WHERE r.ts BETWEEN $a AND $b
),
gaps AS (
    SELECT mmsi, payload_hash, coalesce(
        epoch_us(ts) - epoch_us(lag(ts) OVER (PARTITION BY mmsi, payload_hash ORDER BY ts)) > $window_us, true
    ) AS starts
    FROM heard
)
SELECT t.msg_type, sum(g.starts::INTEGER)
FROM gaps g JOIN touched t ON g.mmsi = t.mmsi AND g.payload_hash = t.payload_hash
GROUP BY t.msg_type;
