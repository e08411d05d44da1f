-- Receiving stations heard in [$since, $end] (data time): last report and reports.
SELECT coalesce(station, '(unnamed)') AS station, epoch(max(ts)) AS last_s, count(*) AS reports
FROM positions
WHERE ts >= $since AND ts <= $end
GROUP BY ALL
ORDER BY last_s DESC;
