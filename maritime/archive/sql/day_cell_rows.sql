-- Positions of one UTC day in one coarse cell (see day_cells.sql), by vessel then time.
SELECT * FROM positions
WHERE ts >= $day_start AND ts < $day_end
  AND floor((lat + 90) / $cell_deg)::INTEGER = $iy AND floor((lon + 180) / $cell_deg)::INTEGER = $ix
ORDER BY mmsi, ts
