-- Forget what earlier ingests of one file stored (`maritime ingest --reingest`): its
-- positions, identity reports, receptions and rejects, its checkpoints, and the per-vessel rows of the
-- vessels it touched (refolded from what remains afterwards, see Store.forget_file).
-- `forget_runs` holds the run ids of the file (by path or by fingerprint).
CREATE OR REPLACE TEMP TABLE forget_mmsi AS
    SELECT DISTINCT mmsi FROM positions WHERE run_id IN (SELECT run_id FROM forget_runs)
    UNION
    SELECT DISTINCT mmsi FROM identity_reports WHERE run_id IN (SELECT run_id FROM forget_runs);
DELETE FROM positions WHERE run_id IN (SELECT run_id FROM forget_runs);
DELETE FROM identity_reports WHERE run_id IN (SELECT run_id FROM forget_runs);
DELETE FROM rejects WHERE run_id IN (SELECT run_id FROM forget_runs);
DELETE FROM receptions WHERE run_id IN (SELECT run_id FROM forget_runs);
DELETE FROM source_files WHERE fingerprint IN (
    SELECT fingerprint FROM ingest_runs WHERE run_id IN (SELECT run_id FROM forget_runs) AND fingerprint IS NOT NULL
);
DELETE FROM vessels WHERE mmsi IN (SELECT mmsi FROM forget_mmsi);
DELETE FROM identity_history WHERE mmsi IN (SELECT mmsi FROM forget_mmsi);
