-- Delivery rows per state, of one sink or (NULL) of all.
SELECT state, count(*) FROM alert_deliveries
WHERE $sink IS NULL OR sink = $sink
GROUP BY state;
