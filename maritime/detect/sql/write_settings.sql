-- Store the chosen settings (the caller deletes the previous row in the same transaction).
INSERT INTO detection_settings (zones_geojson, zones_source, config_toml, config_source, chosen_at)
VALUES ($zones_geojson, $zones_source, $config_toml, $config_source, $chosen_at);
