-- Reports per hour of data time (UTC hours since the epoch) from $since on: a change in an
-- hour already processed means late data, and detection goes back to that hour.
SELECT epoch_us(ts) // 3600000000 AS hour, count(*) AS n
FROM positions
WHERE ts >= $since
GROUP BY 1
ORDER BY 1
