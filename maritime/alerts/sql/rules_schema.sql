-- Rules in use (maritime.alerts.rules), one row per version of each rule id. A rule whose
-- definition (hash) changes gets the next version; alert_outbox.rule_version names it.
CREATE TABLE IF NOT EXISTS alert_rules (
    rule_id     VARCHAR NOT NULL,
    version     INTEGER NOT NULL,      -- 1, 2, ... per rule_id
    hash        VARCHAR NOT NULL,      -- first 16 hex digits of SHA-256 of the canonical definition
    definition  JSON NOT NULL,         -- the rule's conditions (kinds, zones, severity, selectors)
    description VARCHAR,
    source      VARCHAR,               -- the rules file it came from
    stored_at   TIMESTAMP NOT NULL,    -- wall clock (UTC)
    PRIMARY KEY (rule_id, version)
);
