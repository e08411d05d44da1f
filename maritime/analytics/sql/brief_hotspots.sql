-- The cells of the latest 7-day forecast (else 24-hour), summed over its day slices, with
-- their share of the expected events in all flagged cells.
WITH latest AS (
    SELECT horizon, computed_at FROM hotspot_forecast WHERE model = 'forecast' AND kind IS NULL
    ORDER BY (horizon = '7d') DESC, computed_at DESC LIMIT 1
), cells AS (
    SELECT f.horizon, f.cell_lat, f.cell_lon, any_value(f.res) AS res, min(f.valid_from) AS valid_from,
           max(f.valid_to) AS valid_to, sum(f.expected) AS expected_events
    FROM hotspot_forecast f JOIN latest USING (horizon, computed_at)
    WHERE f.model = 'forecast' AND f.kind IS NULL
    GROUP BY f.horizon, f.cell_lat, f.cell_lon
)
SELECT *, expected_events / sum(expected_events) OVER () AS share_of_flagged
FROM cells ORDER BY expected_events DESC
