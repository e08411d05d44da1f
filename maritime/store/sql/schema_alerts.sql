-- Alert workflow of the watch-floor dashboard (acknowledge, assign, dismiss) and the feed
-- silences `maritime serve` raises. Runs on every open: every statement is idempotent.
--
-- An alert is an `events` row (or a `feed_alerts` row, as event_id 'feed:<id>'). Officers'
-- actions are appended here, never updated or deleted, so the table is the watch log.
--
-- Which actions apply to an alert (the "same behaviour" rule; see maritime/dashboard/sql/alerts.sql):
--   an action taken on event A applies to event E when E.event_id = A.event_id, or when E has
--   the same kind and MMSI (and the same partner pair, in either order, for a rendezvous) and
--   E starts within A's behaviour span: from A's start (less 15 minutes of slack for a
--   re-detection that moves the start) to A's end in DATA time. A's end is read from the
--   events table when A's event is still there (so the span grows while the behaviour goes
--   on), else from the snapshot taken at the click; NULL (still open) means "until it ends".
--   The latest applicable action (wall clock) gives the alert's status. A dismissal therefore
--   silences later re-detections of the same behaviour, never a later, separate one.

CREATE SEQUENCE IF NOT EXISTS alert_action_ids START 1;

-- One row per action an officer took on an alert.
CREATE TABLE IF NOT EXISTS alert_actions (
    action_id     BIGINT PRIMARY KEY DEFAULT nextval('alert_action_ids'),
    event_id      VARCHAR NOT NULL,          -- events.event_id, or 'feed:<feed_alert_id>'
    action        VARCHAR NOT NULL,          -- acknowledge | assign | dismiss | reopen | note
    actor         VARCHAR NOT NULL,          -- authenticated user, or the operator named in the page
    acted_at      TIMESTAMPTZ NOT NULL,      -- wall clock of the action
    unit          VARCHAR,                   -- patrol unit (assign)
    reason        VARCHAR,                   -- why (dismiss: required; others: optional note)
    -- the behaviour acted on, as it was at the click (data time)
    kind          VARCHAR,
    mmsi          INTEGER,
    other_mmsi    INTEGER,
    span_start    TIMESTAMPTZ,
    span_end      TIMESTAMPTZ                -- NULL: the event was still open
);

-- Patrol units known to the watch floor (filled as units are assigned, or by hand).
CREATE TABLE IF NOT EXISTS patrol_units (
    name          VARCHAR PRIMARY KEY,
    description   VARCHAR,
    added_at      TIMESTAMPTZ
);

CREATE SEQUENCE IF NOT EXISTS feed_alert_ids START 1;

-- A live feed that went silent (no line for the silence threshold, wall clock) while
-- `maritime serve` was running; resolved_at is set when lines flow again.
CREATE TABLE IF NOT EXISTS feed_alerts (
    feed_alert_id BIGINT PRIMARY KEY DEFAULT nextval('feed_alert_ids'),
    feed          VARCHAR NOT NULL,          -- feed URL
    silent_since  TIMESTAMPTZ NOT NULL,      -- wall clock of the last line (or of the start)
    raised_at     TIMESTAMPTZ NOT NULL,      -- wall clock the alert was raised
    resolved_at   TIMESTAMPTZ,               -- wall clock lines resumed; NULL while silent
    last_error    VARCHAR
);
