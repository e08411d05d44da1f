-- Rejected lines by reason over the latest $runs ingest runs.
SELECT split_part(reason, ':', 1) AS reason, count(*) AS lines
FROM rejects
WHERE run_id > (SELECT coalesce(max(run_id), 0) FROM ingest_runs) - $runs
GROUP BY ALL
ORDER BY lines DESC;
