-- The latest forecast of a horizon: every slice and cell, highest expected first.
SELECT valid_from, valid_to, cell_lat, cell_lon, res, expected, share, area_rank
FROM hotspot_forecast
WHERE horizon = $horizon AND model = 'forecast' AND kind IS NOT DISTINCT FROM $kind
  AND computed_at = (SELECT max(computed_at) FROM hotspot_forecast WHERE horizon = $horizon
                     AND model = 'forecast' AND kind IS NOT DISTINCT FROM $kind)
ORDER BY valid_from, expected DESC
