-- The cells of one slice of a stored forecast (the run of `hotspot_slices.sql`, picked by its
-- issue and computation times), highest expected first. cell_lat/cell_lon: south-west corner.
SELECT cell_lat, cell_lon, res, expected, share, area_rank
FROM hotspot_forecast
WHERE horizon = $horizon AND model = 'forecast' AND kind IS NULL
  AND epoch(issued_at) = $issued_s AND epoch_us(computed_at) = $computed_us AND epoch(valid_from) = $from_s
ORDER BY expected DESC;
