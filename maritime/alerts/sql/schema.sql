-- Alert outbox (maritime.alerts). Runs on every open: every statement is idempotent.
--
-- One row per alert in alert_outbox, one row per (alert, sink) in alert_deliveries. Delivery
-- rows move pending -> sending (claimed, with a lease) -> delivered | failed | suppressed; a
-- failed attempt returns the row to pending with next_attempt_at pushed back by the retry
-- schedule. A 'sending' row whose lease ran out (the sender crashed) is claimable again.
-- All times are UTC; created_at is the data time of the event, the others wall clock.

CREATE TABLE IF NOT EXISTS alert_outbox (
    alert_id        VARCHAR PRIMARY KEY,   -- stable: derived from event_id and rule_id
    event_id        VARCHAR NOT NULL,      -- events.event_id
    rule_id         VARCHAR NOT NULL,      -- the rule that raised the alert
    severity        VARCHAR NOT NULL,      -- low | medium | high | critical
    severity_rank   INTEGER NOT NULL,      -- 1..4, the order of the above
    revision        INTEGER NOT NULL,      -- 1, then +1 each time the severity rises
    payload         JSON NOT NULL,         -- what the sinks render (vessel, position, evidence)
    created_at      TIMESTAMP NOT NULL,    -- data time of the event (UTC)
    enqueued_at     TIMESTAMP NOT NULL,    -- wall clock of the first enqueue (UTC)
    updated_at      TIMESTAMP NOT NULL     -- wall clock of the last severity rise (UTC)
);

-- The version of the rule that raised the alert (alert_rules.version; NULL: no stored rule).
ALTER TABLE alert_outbox ADD COLUMN IF NOT EXISTS rule_version INTEGER;

CREATE TABLE IF NOT EXISTS alert_deliveries (
    alert_id        VARCHAR NOT NULL,      -- alert_outbox.alert_id
    sink            VARCHAR NOT NULL,      -- sink name from the sinks file
    revision        INTEGER NOT NULL,      -- the alert revision this row delivers
    state           VARCHAR NOT NULL,      -- pending | sending | delivered | failed | suppressed
    attempts        INTEGER NOT NULL,      -- failed attempts of this revision
    next_attempt_at TIMESTAMP NOT NULL,    -- not claimed before this (UTC)
    lease_until     TIMESTAMP,             -- while sending: claimable again after this (UTC)
    last_error      VARCHAR,               -- the sink's last error, one line
    delivered_at    TIMESTAMP,             -- when the sink acknowledged (UTC)
    digest_id       VARCHAR,               -- set when delivered inside a digest
    PRIMARY KEY (alert_id, sink)
);
