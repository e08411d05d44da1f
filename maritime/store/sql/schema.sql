-- The DuckDB schema analysts query. Every time is UTC (TIMESTAMPTZ); lat/lon are WGS84
-- degrees; sog knots; cog/heading degrees true; dimensions and draught metres.
-- Created idempotently by `maritime` on every open.

CREATE SEQUENCE IF NOT EXISTS ingest_run_ids START 1;

-- One row per ingest run: a file, stdin, a live feed or a replay.
CREATE TABLE IF NOT EXISTS ingest_runs (
    run_id        BIGINT PRIMARY KEY DEFAULT nextval('ingest_run_ids'),
    source        VARCHAR NOT NULL,          -- path, '-' or feed URL
    kind          VARCHAR NOT NULL,          -- file | stdin | tcp | udp | replay
    fingerprint   VARCHAR,                   -- content fingerprint of a file
    started_at    TIMESTAMPTZ NOT NULL,      -- wall clock
    finished_at   TIMESTAMPTZ,
    status        VARCHAR NOT NULL,          -- running | complete | resumed | already_ingested | interrupted | failed
    lines_read    BIGINT DEFAULT 0,
    messages      BIGINT DEFAULT 0,
    positions     BIGINT DEFAULT 0,          -- position reports stored
    identities    BIGINT DEFAULT 0,          -- identity reports stored
    duplicates    BIGINT DEFAULT 0,          -- receptions merged into an earlier one
    rejected      BIGINT DEFAULT 0,
    counts        JSON                       -- every counter, by outcome and reason
);

-- Progress of each file, committed with the data it describes, so that a killed ingest
-- resumes from the last committed batch and a finished file is never stored twice.
CREATE TABLE IF NOT EXISTS source_files (
    fingerprint   VARCHAR PRIMARY KEY,       -- sha256 of size + first and last MiB
    path          VARCHAR NOT NULL,
    size_bytes    BIGINT,
    status        VARCHAR NOT NULL,          -- in_progress | complete
    next_offset   BIGINT NOT NULL,           -- byte offset (decompressed) of the next line
    next_line     BIGINT NOT NULL,           -- its line number (1-based)
    decoder_state JSON,                      -- fragments pending across the checkpoint
    counts        JSON,                      -- cumulative counters up to the checkpoint
    updated_at    TIMESTAMPTZ
);

-- Position reports (AIS types 1, 2, 3, 18, 19, 27 and CSV rows): one row per transmission.
CREATE TABLE IF NOT EXISTS positions (
    mmsi          INTEGER NOT NULL,
    ts            TIMESTAMPTZ NOT NULL,      -- receive time (tag block / wrapper / arrival)
    lat           DOUBLE NOT NULL,
    lon           DOUBLE NOT NULL,
    sog           REAL,                      -- knots; NULL = not available
    cog           REAL,                      -- degrees; NULL = not available
    heading       SMALLINT,                  -- degrees; NULL = not available (511)
    nav_status    TINYINT,                   -- ITU-R M.1371 navigational status 0-15
    rot           REAL,                      -- degrees/minute; NULL = not available
    accuracy      BOOLEAN,                   -- true = position accuracy < 10 m
    second        TINYINT,                   -- UTC second of the fix; NULL for 60-63
    msg_type      TINYINT NOT NULL,
    station       VARCHAR,                   -- receiver that first heard it
    n_stations    SMALLINT NOT NULL,         -- how many stations heard it
    payload_hash  UBIGINT NOT NULL,          -- identifies the transmission (dedup)
    run_id        BIGINT NOT NULL
);

-- Identity and voyage reports (types 5, 19, 24A, 24B and CSV rows).
CREATE TABLE IF NOT EXISTS identity_reports (
    mmsi          INTEGER NOT NULL,
    ts            TIMESTAMPTZ NOT NULL,
    msg_type      TINYINT NOT NULL,
    part          TINYINT,                   -- type 24: 0 = part A, 1 = part B
    imo           INTEGER,
    callsign      VARCHAR,
    name          VARCHAR,
    ship_type     SMALLINT,                  -- ITU-R M.1371 table 53
    to_bow        SMALLINT,
    to_stern      SMALLINT,
    to_port       SMALLINT,
    to_starboard  SMALLINT,
    draught       REAL,
    destination   VARCHAR,
    eta           VARCHAR,                   -- 'MM-DDTHH:MM' as broadcast (no year)
    station       VARCHAR,
    n_stations    SMALLINT NOT NULL,
    payload_hash  UBIGINT NOT NULL,
    run_id        BIGINT NOT NULL
);

-- Changes of name, call sign, ship type and destination, in data time. The first value
-- seen for a vessel is a row too (previous NULL).
CREATE TABLE IF NOT EXISTS identity_history (
    mmsi          INTEGER NOT NULL,
    ts            TIMESTAMPTZ NOT NULL,
    field         VARCHAR NOT NULL,          -- name | callsign | ship_type | destination | imo
    value         VARCHAR,
    previous      VARCHAR,
    msg_type      TINYINT,
    station       VARCHAR
);

-- One row per MMSI: the latest identity and where it was last seen.
CREATE TABLE IF NOT EXISTS vessels (
    mmsi          INTEGER PRIMARY KEY,
    name          VARCHAR,
    callsign      VARCHAR,
    imo           INTEGER,
    ship_type     SMALLINT,
    length_m      SMALLINT,                  -- to_bow + to_stern
    width_m       SMALLINT,                  -- to_port + to_starboard
    draught       REAL,
    destination   VARCHAR,
    mid           SMALLINT,                  -- Maritime Identification Digits of the MMSI
    flag          VARCHAR,                   -- country of the MID (ITU table)
    first_seen    TIMESTAMPTZ,
    last_seen     TIMESTAMPTZ,
    last_lat      DOUBLE,
    last_lon      DOUBLE,
    last_sog      REAL,
    identity_ts   TIMESTAMPTZ                -- time of the latest identity report applied
);

-- Rejected input lines, kept whole with their reason.
CREATE TABLE IF NOT EXISTS rejects (
    run_id        BIGINT NOT NULL,
    source        VARCHAR NOT NULL,
    line_no       BIGINT NOT NULL,
    raw           VARCHAR NOT NULL,
    reason        VARCHAR NOT NULL
);

-- ITU Maritime Identification Digits → country (reference data, loaded on open).
CREATE TABLE IF NOT EXISTS mid_flags (
    mid           SMALLINT PRIMARY KEY,
    country       VARCHAR NOT NULL
);

-- The MID of an MMSI for every MMSI form of ITU-R M.585: ships (MIDxxxxxx), groups
-- (0MIDxxxxx), coast stations (00MIDxxxx), SAR aircraft (111MIDxxx), handhelds
-- (8MIDxxxxx), auxiliary craft (98MIDxxxx) and aids to navigation (99MIDxxxx).
CREATE OR REPLACE MACRO mmsi_mid(m) AS CASE
    WHEN m BETWEEN 200000000 AND 799999999 THEN m // 1000000
    WHEN m BETWEEN 111000000 AND 111999999 THEN (m // 1000) % 1000
    WHEN m BETWEEN 800000000 AND 899999999 THEN (m // 100000) % 1000
    WHEN m BETWEEN 980000000 AND 999999999 THEN (m // 10000) % 1000
    WHEN m BETWEEN 20000000 AND 79999999 THEN m // 100000
    WHEN m BETWEEN 2000000 AND 7999999 THEN m // 10000
    ELSE NULL END;
