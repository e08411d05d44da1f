-- Hotspots (maritime/analytics/hotspots.py). Runs on every use: every statement is idempotent.

-- Past activity: events per 0.1° cell (south-west corner), kind, zone and time of day, week
-- and year (UTC). Sum `events` over the columns you do not need.
CREATE OR REPLACE VIEW hotspot_activity AS
SELECT round(floor(lat / 0.1) * 0.1, 1) AS cell_lat, round(floor(lon / 0.1) * 0.1, 1) AS cell_lon,
       kind, zone,
       hour(start_time AT TIME ZONE 'UTC') AS hour_of_day,
       isodow(start_time AT TIME ZONE 'UTC') AS day_of_week,       -- 1 = Monday
       strftime(start_time AT TIME ZONE 'UTC', '%Y-%m') AS month,
       count(*) AS events
FROM events WHERE lat IS NOT NULL AND lon IS NOT NULL
GROUP BY ALL;

-- Forecasts: expected events per cell and day slice (the 7-day horizon has seven), the cells
-- of the top 10 % of the sea area of each slice.
CREATE TABLE IF NOT EXISTS hotspot_forecast (
    issued_at     TIMESTAMPTZ NOT NULL,      -- data time the forecast uses events up to
    horizon       VARCHAR NOT NULL,          -- 24h | 7d
    model         VARCHAR NOT NULL,          -- forecast | baseline | naive_last_week
    kind          VARCHAR,                   -- the event kind forecast; NULL = all kinds
    valid_from    TIMESTAMPTZ NOT NULL,      -- the slice (UTC)
    valid_to      TIMESTAMPTZ NOT NULL,
    cell_lat      DOUBLE NOT NULL,           -- south-west corner of the cell (degrees)
    cell_lon      DOUBLE NOT NULL,
    res           DOUBLE NOT NULL,           -- cell size (degrees)
    expected      DOUBLE NOT NULL,           -- expected events in the cell and slice
    share         DOUBLE NOT NULL,           -- of the slice's expected events in the whole area
    area_rank     DOUBLE NOT NULL,           -- share of the sea area ranked at or above this cell (0-0.1)
    computed_at   TIMESTAMPTZ NOT NULL       -- wall clock
);

-- Backtests: one row per run, horizon, model and share of area.
CREATE TABLE IF NOT EXISTS hotspot_backtest (
    computed_at   TIMESTAMPTZ NOT NULL,      -- wall clock
    horizon       VARCHAR NOT NULL,
    model         VARCHAR NOT NULL,
    area_share    DOUBLE NOT NULL,           -- 0.01 | 0.05 | 0.10
    weeks_tested  INTEGER NOT NULL,
    forecasts     INTEGER NOT NULL,
    events        BIGINT NOT NULL,           -- events in the predicted windows
    captured      BIGINT NOT NULL,           -- of those, in the flagged cells
    hit_rate      DOUBLE NOT NULL,
    pai           DOUBLE NOT NULL            -- Predictive Accuracy Index = hit_rate / area_share
);
