-- Detection results and the reference geography they use.

-- One row per detected event. `event_id` is deterministic (kind, MMSI, partner, start), so
-- detecting the same data again rewrites the same rows.
CREATE TABLE IF NOT EXISTS events (
    event_id      VARCHAR PRIMARY KEY,
    kind          VARCHAR NOT NULL,          -- loitering | dark_period | rendezvous | identity_conflict
    mmsi          INTEGER NOT NULL,
    other_mmsi    INTEGER,                   -- the partner in a rendezvous, else NULL
    start_time    TIMESTAMPTZ NOT NULL,      -- data time (UTC)
    end_time      TIMESTAMPTZ,               -- NULL while the event is still open
    lat           DOUBLE,                    -- where it happened
    lon           DOUBLE,
    zone          VARCHAR,                   -- patrol zone name, NULL outside every zone
    confidence    DOUBLE NOT NULL,           -- 0 to 1
    details       JSON,                      -- the evidence, per kind
    updated_at    TIMESTAMPTZ                -- wall clock of the detect run that last wrote it
);

-- Patrol zones in use (from the bundled GeoJSON or --zones FILE), geometry as GeoJSON text.
CREATE TABLE IF NOT EXISTS zones (
    name          VARCHAR PRIMARY KEY,
    description   VARCHAR,
    geojson       VARCHAR NOT NULL
);

-- Bookkeeping of incremental detection: how far in data time detection is final.
CREATE TABLE IF NOT EXISTS detect_runs (
    run_at        TIMESTAMPTZ NOT NULL,      -- wall clock
    data_from     TIMESTAMPTZ,               -- data-time window recomputed
    data_to       TIMESTAMPTZ,
    positions     BIGINT,
    events_written BIGINT,
    seconds       DOUBLE,
    config        JSON
);
