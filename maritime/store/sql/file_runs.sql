-- The ingest runs of one file: by its path, or by its content's fingerprint.
CREATE OR REPLACE TEMP TABLE forget_runs AS
    SELECT run_id FROM ingest_runs
    WHERE kind = 'file' AND (source = $path OR fingerprint = $fingerprint);
