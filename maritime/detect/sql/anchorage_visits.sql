-- Stationary time per ~0.5 km cell and vessel brought by the positions in ($after, $upto]
-- (UTC), added to anchorage_visits. A report is stationary when its SOG is below $max_sog
-- knots; the time since the vessel's previous report counts when both are stationary, in the
-- same cell, at most $max_gap_s seconds apart (the previous report may be older than $after:
-- positions from $after - $max_gap_s are read for it). Only vessels with a stationary report
-- in the window are read. Cells as maritime.detect.anchorages.cell_index: rows of $dlat
-- degrees, columns of $dlat degrees scaled by the cosine of the row's centre latitude (at
-- least $min_cos).
INSERT INTO anchorage_visits (ci, cj, mmsi, stationary_s, reports, first_seen, last_seen)
WITH still_vessels AS (
    SELECT DISTINCT mmsi FROM positions WHERE ts > $after AND ts <= $upto AND sog < $max_sog
), p AS (
    SELECT mmsi, ts, epoch_us(ts) AS t_us, coalesce(sog < $max_sog, false) AS still,
           floor(lat / $dlat)::BIGINT AS ci,
           floor(lon * greatest(cos(radians((floor(lat / $dlat) + 0.5) * $dlat)), $min_cos) / $dlat)::BIGINT AS cj,
           payload_hash
    FROM positions SEMI JOIN still_vessels USING (mmsi)
    WHERE ts > $after - to_seconds($max_gap_s) AND ts <= $upto
), l AS (
    SELECT mmsi, ts, ci, cj, still, t_us - lag(t_us) OVER w AS dt_us,
           lag(ci) OVER w = ci AND lag(cj) OVER w = cj AND lag(still) OVER w AS same_still
    FROM p
    WINDOW w AS (PARTITION BY mmsi ORDER BY t_us, payload_hash)
)
SELECT ci, cj, mmsi,
       sum(CASE WHEN same_still AND dt_us <= $max_gap_s * 1e6 THEN dt_us ELSE 0 END) / 1e6 AS stationary_s,
       count(*) AS reports, min(ts) AS first_seen, max(ts) AS last_seen
FROM l
WHERE still AND ts > $after
GROUP BY ci, cj, mmsi
ON CONFLICT (ci, cj, mmsi) DO UPDATE SET
    stationary_s = anchorage_visits.stationary_s + excluded.stationary_s,
    reports = anchorage_visits.reports + excluded.reports,
    first_seen = least(anchorage_visits.first_seen, excluded.first_seen),
    last_seen = greatest(anchorage_visits.last_seen, excluded.last_seen)
