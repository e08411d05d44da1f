-- Record changes of name, call sign, ship type, destination and IMO from the identity
-- reports of a batch (registered as `id_batch`), relative to the last known value.
INSERT INTO identity_history
WITH observed AS (
    SELECT mmsi, ts, 'name' AS field, name AS value, msg_type, station FROM id_batch WHERE name IS NOT NULL
    UNION ALL
    SELECT mmsi, ts, 'callsign', callsign, msg_type, station FROM id_batch WHERE callsign IS NOT NULL
    UNION ALL
    SELECT mmsi, ts, 'ship_type', CAST(ship_type AS VARCHAR), msg_type, station FROM id_batch WHERE ship_type IS NOT NULL
    UNION ALL
    SELECT mmsi, ts, 'destination', destination, msg_type, station FROM id_batch WHERE destination IS NOT NULL
    UNION ALL
    SELECT mmsi, ts, 'imo', CAST(imo AS VARCHAR), msg_type, station FROM id_batch WHERE imo IS NOT NULL
),
known AS (
    SELECT h.mmsi, h.field, arg_max(h.value, h.ts) AS value
    FROM identity_history h
    WHERE h.mmsi IN (SELECT DISTINCT mmsi FROM id_batch)
    GROUP BY h.mmsi, h.field
),
sequenced AS (
    SELECT o.*, coalesce(lag(o.value) OVER (PARTITION BY o.mmsi, o.field ORDER BY o.ts), k.value) AS previous
    FROM observed o LEFT JOIN known k USING (mmsi, field)
)
SELECT mmsi, ts, field, value, previous, msg_type, station
FROM sequenced
WHERE previous IS DISTINCT FROM value;
