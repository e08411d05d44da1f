-- Contacts of a time window for the map's contacts layer, newest last, each matched one with
-- the position of its vessel nearest in time (to join them on the map).
WITH c AS (
    SELECT contact_id, ts, lat, lon, source_kind, sensor_id, track_id, scene_id, detect_id, length_m, confidence,
           match_mmsi, match_score, runner_up_mmsi, runner_up_score, n_candidates
    FROM contacts
    WHERE ts >= $start AND ts <= $end
    ORDER BY ts DESC
    LIMIT $limit
)
SELECT c.contact_id, epoch(c.ts) AS t, c.lat, c.lon, c.source_kind, c.sensor_id, c.track_id, c.scene_id,
       c.detect_id, c.length_m, c.confidence, c.match_mmsi, c.match_score, c.runner_up_mmsi, c.runner_up_score,
       c.n_candidates, v.name AS match_name,
       (SELECT p.lat FROM positions p WHERE p.mmsi = c.match_mmsi AND p.ts BETWEEN c.ts - INTERVAL 30 MINUTE
            AND c.ts + INTERVAL 30 MINUTE ORDER BY abs(epoch(p.ts) - epoch(c.ts)) LIMIT 1) AS vessel_lat,
       (SELECT p.lon FROM positions p WHERE p.mmsi = c.match_mmsi AND p.ts BETWEEN c.ts - INTERVAL 30 MINUTE
            AND c.ts + INTERVAL 30 MINUTE ORDER BY abs(epoch(p.ts) - epoch(c.ts)) LIMIT 1) AS vessel_lon
FROM c LEFT JOIN vessels v ON v.mmsi = c.match_mmsi
ORDER BY c.ts
