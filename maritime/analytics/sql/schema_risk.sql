-- Vessel risk (maritime/analytics/risk.py): one row each time a vessel's score changes, so the
-- table is each vessel's risk over time. Runs on every use: every statement is idempotent.
CREATE TABLE IF NOT EXISTS vessel_risk (
    mmsi          INTEGER NOT NULL,
    as_of         TIMESTAMPTZ,               -- data time: the latest event time when computed
    computed_at   TIMESTAMPTZ NOT NULL,      -- wall clock of the update
    score         DOUBLE NOT NULL,           -- 0 to 1: base combined with association
    base          DOUBLE NOT NULL,           -- 0 to 1: the vessel's own factors (noisy-OR)
    association   DOUBLE NOT NULL,           -- 0 to 0.5: from rendezvous partners' risk
    factors       JSON NOT NULL              -- [{factor, weight, evidence, unit, strength, contribution, refs}]
);

-- How far risk has read: events.updated_at (wall clock of detection) and identity_history.ts.
CREATE TABLE IF NOT EXISTS risk_state (
    events_updated_at   TIMESTAMPTZ,
    identity_ts         TIMESTAMPTZ
);

-- The current score of every vessel: the latest vessel_risk row of each, kept in step by the
-- same transaction (a table, so reading it does not scan the history).
CREATE TABLE IF NOT EXISTS vessel_risk_latest (
    mmsi          INTEGER PRIMARY KEY,
    as_of         TIMESTAMPTZ,
    computed_at   TIMESTAMPTZ NOT NULL,
    score         DOUBLE NOT NULL,
    base          DOUBLE NOT NULL,
    association   DOUBLE NOT NULL,
    factors       JSON NOT NULL
);

-- One row per factor of every current score, for analysts.
CREATE VIEW IF NOT EXISTS vessel_risk_factors AS
SELECT r.mmsi, r.score, f.value->>'factor' AS factor, CAST(f.value->>'weight' AS DOUBLE) AS weight,
       CAST(f.value->>'evidence' AS DOUBLE) AS evidence, f.value->>'unit' AS unit,
       CAST(f.value->>'contribution' AS DOUBLE) AS contribution,
       CAST(f.value->'refs' AS VARCHAR[]) AS refs
FROM vessel_risk_latest r, json_each(r.factors) f;
