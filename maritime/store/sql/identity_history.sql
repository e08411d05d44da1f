-- Record changes of name, call sign, ship type, destination and IMO from the identity
-- reports of a batch, relative to the last known value.
-- A vessel repeats identical static data every few minutes: consecutive identical reports
-- of one kind (same payload) are collapsed first, which keeps every change. That is done
-- before this statement (maritime.store.summary.identity_changes): `id_batch_changes`
-- holds the batch's reports whose payload differs from the previous one of their kind.
INSERT INTO identity_history
WITH reports AS (
    SELECT * FROM id_batch_changes
),
observed AS (
    SELECT mmsi, ts, 'name' AS field, name AS value, msg_type, station FROM reports WHERE name IS NOT NULL
    UNION ALL
    SELECT mmsi, ts, 'callsign', callsign, msg_type, station FROM reports WHERE callsign IS NOT NULL
    UNION ALL
    SELECT mmsi, ts, 'ship_type', CAST(ship_type AS VARCHAR), msg_type, station FROM reports WHERE ship_type IS NOT NULL
    UNION ALL
    SELECT mmsi, ts, 'destination', destination, msg_type, station FROM reports WHERE destination IS NOT NULL
    UNION ALL
    SELECT mmsi, ts, 'imo', CAST(imo AS VARCHAR), msg_type, station FROM reports WHERE imo IS NOT NULL
),
known AS (
    SELECT h.mmsi, h.field, arg_max(h.value, h.ts) AS value
    FROM identity_history h
    WHERE h.mmsi IN (SELECT DISTINCT mmsi FROM reports)
    GROUP BY h.mmsi, h.field
),
sequenced AS (
    SELECT o.*, coalesce(lag(o.value) OVER (PARTITION BY o.mmsi, o.field ORDER BY o.ts), k.value) AS previous
    FROM observed o LEFT JOIN known k USING (mmsi, field)
)
SELECT mmsi, ts, field, value, previous, msg_type, station
FROM sequenced
WHERE previous IS DISTINCT FROM value;
