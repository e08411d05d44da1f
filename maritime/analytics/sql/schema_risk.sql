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

-- The current score of every vessel.
CREATE OR REPLACE VIEW vessel_risk_latest AS
SELECT * FROM vessel_risk QUALIFY row_number() OVER (PARTITION BY mmsi ORDER BY computed_at DESC, as_of DESC) = 1;

-- One row per factor of every current score, for analysts.
CREATE OR REPLACE VIEW vessel_risk_factors AS
SELECT r.mmsi, r.score, f.value->>'factor' AS factor, CAST(f.value->>'weight' AS DOUBLE) AS weight,
       CAST(f.value->>'evidence' AS DOUBLE) AS evidence, f.value->>'unit' AS unit,
       CAST(f.value->>'contribution' AS DOUBLE) AS contribution,
       CAST(f.value->'refs' AS VARCHAR[]) AS refs
FROM vessel_risk_latest r, json_each(r.factors) f;
