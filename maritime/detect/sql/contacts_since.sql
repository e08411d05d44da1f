-- Correlated contacts from $since, for the contact events.
SELECT contact_id, epoch_us(ts) AS t_us, lat, lon, source_kind, sensor_id, track_id, scene_id, detect_id, confidence,
       length_m, coalesce(match_mmsi, -1) AS match_mmsi
FROM contacts
WHERE ts >= $since
ORDER BY ts, contact_id
