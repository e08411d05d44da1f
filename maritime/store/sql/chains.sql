-- The transmissions of the touched (MMSI, payload) keys within [$a, $b], from every copy
-- stored in `receptions`: copies ordered by receive time, a new transmission wherever the
-- gap to the copy before exceeds the duplicate window ($window_us). Each gets its earliest
-- copy's time and station (at equal times the station name that sorts first, then an
-- unnamed one), its latest copy's time, and the number of distinct stations (an unnamed
-- station counts as one).
CREATE OR REPLACE TEMP TABLE chains AS
WITH heard AS (
    SELECT r.mmsi, r.payload_hash, r.ts, r.station
    FROM receptions r
    SEMI JOIN touched t ON r.mmsi = t.mmsi AND r.payload_hash = t.payload_hash
    WHERE r.ts BETWEEN $a AND $b
),
gaps AS (
    SELECT *, coalesce(
        epoch_us(ts) - epoch_us(lag(ts) OVER (PARTITION BY mmsi, payload_hash ORDER BY ts)) > $window_us, true
    ) AS starts
    FROM heard
),
numbered AS (
    -- a running count of starts (peers at one time get the same number)
    SELECT *, sum(starts::INTEGER) OVER (PARTITION BY mmsi, payload_hash ORDER BY ts) AS chain
    FROM gaps
)
SELECT mmsi, payload_hash, min(ts) AS ts, max(ts) AS last_ts,
       first(station ORDER BY ts, station NULLS LAST) AS station,
       (count(DISTINCT station) + max((station IS NULL)::INTEGER))::SMALLINT AS n_stations
FROM numbered
GROUP BY mmsi, payload_hash, chain;
