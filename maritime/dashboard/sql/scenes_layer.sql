-- Scene footprints acquired in a time window.
SELECT scene_id, epoch(ts) AS t, sensor_id, source_kind, footprint_wkt FROM scenes
WHERE ts >= $start AND ts <= $end ORDER BY ts
