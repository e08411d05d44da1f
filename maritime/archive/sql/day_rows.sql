-- Every row of {table} on one UTC day, by vessel then time (good compression, and readers
-- skip row groups by their mmsi and ts statistics).
SELECT * FROM {table}
WHERE ts >= $day_start AND ts < $day_end
ORDER BY mmsi, ts
