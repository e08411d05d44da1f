-- What identifies a database across moves and copies: its first ingest run.
SELECT source, CAST(started_at AS VARCHAR) FROM ingest_runs ORDER BY run_id LIMIT 1
