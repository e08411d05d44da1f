-- Identity changes the identity detectors read (identity_change, and position_anomaly's
-- type and size changes): (mmsi, t_us, field, value, previous), t_us in microseconds since
-- the epoch (UTC).
--   1. identity_history rows of name, call sign, IMO and ship type at or after $since
--      (previous NULL = the first value seen);
--   2. every IMO row of identity_history, whatever its time: which MMSI reported an IMO
--      number before (a flag change moves the IMO to an MMSI of another MID);
--   3. changes of the claimed length (to_bow + to_stern) and beam (to_port + to_starboard)
--      in identity_reports at or after $since, relative to the report before (from up to
--      7 days before $since).
WITH hist AS (
    SELECT mmsi, epoch_us(ts) AS t_us, field, value, previous
    FROM identity_history
    WHERE (ts >= $since AND field IN ('name', 'callsign', 'ship_type'))
       OR field = 'imo'
),
dims AS (
    SELECT mmsi, ts, payload_hash,
           to_bow + to_stern AS length_m,
           to_port + to_starboard AS width_m
    FROM identity_reports
    WHERE ts >= $since - INTERVAL 7 DAY
      AND to_bow IS NOT NULL AND to_stern IS NOT NULL AND to_port IS NOT NULL AND to_starboard IS NOT NULL
      AND to_bow + to_stern > 0 AND to_port + to_starboard > 0
),
seq AS (
    SELECT mmsi, ts, length_m, width_m,
           lag(length_m) OVER w AS prev_length,
           lag(width_m) OVER w AS prev_width
    FROM dims
    WINDOW w AS (PARTITION BY mmsi ORDER BY ts, payload_hash)
)
SELECT * FROM hist
UNION ALL
SELECT mmsi, epoch_us(ts), 'length', CAST(length_m AS VARCHAR), CAST(prev_length AS VARCHAR)
FROM seq WHERE ts >= $since AND prev_length IS NOT NULL AND prev_length <> length_m
UNION ALL
SELECT mmsi, epoch_us(ts), 'width', CAST(width_m AS VARCHAR), CAST(prev_width AS VARCHAR)
FROM seq WHERE ts >= $since AND prev_width IS NOT NULL AND prev_width <> width_m
ORDER BY 2, 1, 3, 4
