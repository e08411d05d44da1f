-- Anchorages learned from the data (maritime/detect/anchorages.py): places where many distinct
-- vessels sit stationary, after Global Fishing Watch's anchorages pipeline. Refreshed by every
-- `maritime detect` run and live detection cycle from the new positions only.

-- Stationary time of each vessel in each ~0.5 km cell (SOG < 0.5 kn); the evidence the
-- anchorages are learned from. Cell (ci, cj) as in maritime.detect.anchorages.cell_index.
CREATE TABLE IF NOT EXISTS anchorage_visits (
    ci            BIGINT NOT NULL,
    cj            BIGINT NOT NULL,
    mmsi          INTEGER NOT NULL,
    stationary_s  DOUBLE NOT NULL,           -- seconds stationary in the cell
    reports       BIGINT NOT NULL,           -- stationary reports in the cell
    first_seen    TIMESTAMPTZ NOT NULL,      -- first stationary report there (UTC)
    last_seen     TIMESTAMPTZ NOT NULL,      -- last one
    PRIMARY KEY (ci, cj, mmsi)
);

-- One row per learned anchorage, with its evidence.
CREATE TABLE IF NOT EXISTS anchorages (
    anchorage_id  VARCHAR PRIMARY KEY,       -- anc-<ci>-<cj> of its busiest core cell
    lat           DOUBLE NOT NULL,           -- centroid, weighted by stationary hours
    lon           DOUBLE NOT NULL,
    radius_km     DOUBLE NOT NULL,           -- centroid to its farthest cell, plus half a cell
    cells         INTEGER NOT NULL,          -- ~0.5 km cells in it
    vessels       INTEGER NOT NULL,          -- distinct vessels stationary >= 2 h in one of them
    hours         DOUBLE NOT NULL,           -- their stationary hours
    first_seen    TIMESTAMPTZ NOT NULL,      -- first stationary report (UTC)
    last_seen     TIMESTAMPTZ NOT NULL,      -- last one
    port_km       DOUBLE,                    -- distance to the nearest bundled port or anchorage
    updated_at    TIMESTAMPTZ                -- wall clock of the refresh that last changed it
);

-- The cells of the learned anchorages: the points the detectors treat as ports.
CREATE TABLE IF NOT EXISTS anchorage_cells (
    ci            BIGINT NOT NULL,
    cj            BIGINT NOT NULL,
    anchorage_id  VARCHAR NOT NULL,
    lat           DOUBLE NOT NULL,           -- cell centre
    lon           DOUBLE NOT NULL
);

-- Bookkeeping of the incremental refresh (one row).
CREATE TABLE IF NOT EXISTS anchorage_refresh (
    data_to        TIMESTAMPTZ,              -- latest position time counted in anchorage_visits
    positions_upto BIGINT,                   -- positions at or before data_to then (late data check)
    params         VARCHAR,                  -- the thresholds the visits were counted with
    refreshed_at   TIMESTAMPTZ,              -- wall clock
    seconds        DOUBLE
);
