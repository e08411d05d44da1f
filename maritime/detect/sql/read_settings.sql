-- The stored detection settings (at most one row).
SELECT zones_geojson, zones_source, config_toml, config_source, chosen_at
FROM detection_settings
ORDER BY chosen_at DESC
LIMIT 1;
