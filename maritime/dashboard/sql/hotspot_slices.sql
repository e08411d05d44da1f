-- The day slices of the latest forecast of a horizon (all event kinds, the forecast model):
-- the latest issue time, and of it the latest run. Per slice: its window (epoch s), the cells
-- kept (the top 10 % of the sea area), the share of the day's predicted events they hold and
-- the highest expected events in one cell.
WITH latest AS (
    SELECT issued_at, computed_at FROM hotspot_forecast
    WHERE horizon = $horizon AND model = 'forecast' AND kind IS NULL
    ORDER BY issued_at DESC, computed_at DESC LIMIT 1
)
SELECT epoch(f.issued_at) AS issued_s, epoch_us(f.computed_at) AS computed_us,
       epoch(f.valid_from) AS from_s, epoch(f.valid_to) AS to_s, min(f.res) AS res,
       count(*) AS cells, sum(f.share) AS mapped_share, max(f.expected) AS max_expected,
       sum(f.expected) AS expected
FROM hotspot_forecast f JOIN latest l ON f.issued_at = l.issued_at AND f.computed_at = l.computed_at
WHERE f.horizon = $horizon AND f.model = 'forecast' AND f.kind IS NULL
GROUP BY ALL
ORDER BY from_s;
