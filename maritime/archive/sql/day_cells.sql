-- Coarse cells (cell_deg degrees, indexed from 90°S / 180°W) holding positions on a UTC day.
SELECT DISTINCT floor((lat + 90) / $cell_deg)::INTEGER AS iy, floor((lon + 180) / $cell_deg)::INTEGER AS ix
FROM positions
WHERE ts >= $day_start AND ts < $day_end
ORDER BY iy, ix
