-- The stored identity reports of the vessels whose per-vessel rows are rebuilt, in time order.
SELECT * EXCLUDE (run_id) FROM identity_reports WHERE mmsi IN (SELECT mmsi FROM forget_mmsi) ORDER BY ts;
