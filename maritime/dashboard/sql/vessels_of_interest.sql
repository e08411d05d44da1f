-- The vessels of interest: the $n highest current risk scores (vessel_risk_latest, written by
-- `maritime risk`) with identity, last report and the events that name the vessel (as the
-- vessel or as the partner of a meeting).
WITH top AS (
    SELECT mmsi, score, factors FROM vessel_risk_latest ORDER BY score DESC, mmsi LIMIT $n
), ev AS (
    SELECT m AS mmsi, count(*) AS events
    FROM (SELECT mmsi AS m FROM events WHERE mmsi IN (SELECT mmsi FROM top)
          UNION ALL
          SELECT other_mmsi FROM events WHERE other_mmsi IN (SELECT mmsi FROM top))
    GROUP BY m
)
SELECT t.mmsi, v.name, coalesce(v.flag, f.country) AS flag, v.ship_type, t.score, t.factors,
       epoch(v.last_seen) AS last_s, v.last_lat AS lat, v.last_lon AS lon, coalesce(ev.events, 0) AS events
FROM top t
LEFT JOIN vessels v ON v.mmsi = t.mmsi
LEFT JOIN mid_flags f ON f.mid = mmsi_mid(t.mmsi)
LEFT JOIN ev ON ev.mmsi = t.mmsi
ORDER BY t.score DESC, t.mmsi;
