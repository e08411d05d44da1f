-- The cell visits anchorages are learned from: a vessel stationary at least $min_s seconds in
-- a cell (times as UTC epoch seconds).
SELECT ci, cj, mmsi, stationary_s AS seconds, epoch(first_seen) AS first, epoch(last_seen) AS last
FROM anchorage_visits
WHERE stationary_s >= $min_s
ORDER BY ci, cj, mmsi
