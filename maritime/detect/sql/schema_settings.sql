-- The zones and thresholds the user last chose (one row; none: the bundled defaults).
-- Written by maritime.detect.runner.use_settings; see maritime/detect/settings.py for the rule.
CREATE TABLE IF NOT EXISTS detection_settings (
    zones_geojson VARCHAR,   -- GeoJSON text of the patrol zones (NULL: the bundled zones)
    zones_source VARCHAR,    -- the path it was read from
    config_toml VARCHAR,     -- TOML text of the threshold overrides (NULL: the bundled defaults)
    config_source VARCHAR,   -- the path it was read from
    chosen_at TIMESTAMPTZ NOT NULL  -- wall time of the choice (bookkeeping only)
);
