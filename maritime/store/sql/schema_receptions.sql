-- Every reception of a valid AIS message: one row per copy (station and receive time).
-- A transmission is the same MMSI and payload heard again within the duplicate window of
-- an earlier copy (chained); positions and identity_reports hold it once, at its earliest
-- copy (ts, station), with n_stations = the distinct stations among its copies. Join them
-- on (mmsi, payload_hash) and receive times from the stored ts on, each copy within the
-- window of the one before. Created idempotently by `maritime` on every open.
CREATE TABLE IF NOT EXISTS receptions (
    mmsi          INTEGER NOT NULL,
    payload_hash  UBIGINT NOT NULL,
    ts            TIMESTAMPTZ NOT NULL,      -- receive time of this copy
    station       VARCHAR,                   -- receiver of this copy (NULL: not named)
    msg_type      TINYINT NOT NULL,          -- AIS message type (every type, stored or not)
    run_id        BIGINT NOT NULL            -- the ingest run that read it
);
