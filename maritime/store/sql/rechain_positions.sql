-- Rewrite the positions rows of the transmissions in `chains` (see chains.sql): one row per
-- transmission, with its earliest copy's time and station and its station count. The other
-- fields come from its earliest stored row (every row of one transmission carries the same
-- payload), and so does run_id. Rows no transmission covers are left alone.
CREATE OR REPLACE TEMP TABLE rechained AS
SELECT * EXCLUDE (rn) FROM (
    SELECT p.* REPLACE (c.ts AS ts, c.station AS station, c.n_stations AS n_stations),
           row_number() OVER (PARTITION BY c.mmsi, c.payload_hash, c.ts ORDER BY p.ts, p.run_id) AS rn
    FROM positions p
    JOIN chains c ON p.mmsi = c.mmsi AND p.payload_hash = c.payload_hash AND p.ts BETWEEN c.ts AND c.last_ts
    WHERE p.ts BETWEEN $a AND $b
)
WHERE rn = 1;
DELETE FROM positions p
USING chains c
WHERE p.mmsi = c.mmsi AND p.payload_hash = c.payload_hash AND p.ts BETWEEN c.ts AND c.last_ts
  AND p.ts BETWEEN $a AND $b;
INSERT INTO positions SELECT * FROM rechained;
