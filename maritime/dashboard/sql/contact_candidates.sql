-- One contact with its match and runner-up (names from vessels), for a click on the map.
SELECT c.contact_id, epoch(c.ts) AS t, c.lat, c.lon, c.source_kind, c.sensor_id, c.track_id, c.scene_id,
       c.detect_id, c.length_m, c.confidence, c.speed_kn, c.course_deg, c.sigma_major_m,
       c.match_mmsi, m.name AS match_name, c.match_score, c.runner_up_mmsi, r.name AS runner_up_name,
       c.runner_up_score, c.n_candidates
FROM contacts c
LEFT JOIN vessels m ON m.mmsi = c.match_mmsi
LEFT JOIN vessels r ON r.mmsi = c.runner_up_mmsi
WHERE c.contact_id = $contact_id
