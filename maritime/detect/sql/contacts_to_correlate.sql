-- Contacts not yet correlated with AIS, with the earlier contacts of their radar tracks
-- (from $since: a track is matched as one unit), oldest first.
WITH pending AS (
    SELECT * FROM contacts WHERE correlated_at IS NULL ORDER BY ts LIMIT $limit
), tracks AS (
    SELECT DISTINCT track_id FROM pending WHERE track_id IS NOT NULL
)
SELECT contact_id, epoch_us(ts) AS t_us, lat, lon, sigma_major_m, sigma_minor_m, orientation_deg, speed_kn,
       course_deg, length_m, source_kind, sensor_id, track_id, scene_id
FROM contacts
WHERE contact_id IN (SELECT contact_id FROM pending)
   OR (track_id IN (SELECT track_id FROM tracks) AND ts >= $since)
ORDER BY ts, contact_id
