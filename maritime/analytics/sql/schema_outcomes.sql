-- Patrol outcomes of alerts (maritime/analytics/outcomes.py). Appended, never updated or
-- deleted: the table is the record of what patrols found. The latest row of an alert counts.
CREATE SEQUENCE IF NOT EXISTS alert_outcome_ids START 1;

CREATE TABLE IF NOT EXISTS alert_outcomes (
    outcome_id    BIGINT PRIMARY KEY DEFAULT nextval('alert_outcome_ids'),
    event_id      VARCHAR NOT NULL,          -- events.event_id of the alert
    alert_id      VARCHAR,                   -- alert_outbox.alert_id when given by alert id
    result        VARCHAR NOT NULL,          -- boarded_no_violation | violation_found | seized | escaped | not_reached
    unit          VARCHAR NOT NULL,          -- patrol unit
    outcome_at    TIMESTAMPTZ NOT NULL,      -- when the unit boarded, lost or gave up on the vessel (UTC)
    report        VARCHAR NOT NULL,          -- free text
    actor         VARCHAR,                   -- who recorded it
    recorded_at   TIMESTAMPTZ NOT NULL,      -- wall clock of the record
    -- the alert as it was when recorded
    kind          VARCHAR,
    mmsi          INTEGER,
    zone          VARCHAR
);
