-- Non-AIS contacts (radar targets, satellite detections), where sensors looked, and the
-- sensors themselves. Times UTC; lat/lon WGS84 degrees; speeds knots; courses degrees true;
-- lengths and position errors metres. Created idempotently on every open.

CREATE SEQUENCE IF NOT EXISTS contact_ids START 1;

-- One row per observation of an object at sea by a sensor other than AIS.
CREATE TABLE IF NOT EXISTS contacts (
    contact_id       BIGINT PRIMARY KEY DEFAULT nextval('contact_ids'),
    run_id           BIGINT NOT NULL,           -- the ingest run that stored it
    ts               TIMESTAMPTZ NOT NULL,      -- data time of the observation
    lat              DOUBLE NOT NULL,
    lon              DOUBLE NOT NULL,
    source_kind      VARCHAR NOT NULL,          -- radar | sar | optical | viirs
    sensor_id        VARCHAR NOT NULL,          -- the radar or satellite that saw it
    track_id         VARCHAR,                   -- radar: '<sensor>:<target number>' (a radar track)
    target_number    INTEGER,                   -- radar: the TTM/TLL target number
    scene_id         VARCHAR,                   -- satellite: the scene it was detected in
    detect_id        VARCHAR,                   -- satellite: the detection's own id
    sigma_major_m    REAL NOT NULL,             -- 1-sigma position error ellipse (metres)
    sigma_minor_m    REAL NOT NULL,
    orientation_deg  REAL NOT NULL,             -- major axis, degrees true
    speed_kn         REAL,                      -- the sensor's estimate, NULL when not given
    course_deg       REAL,
    length_m         REAL,
    confidence       REAL,                      -- detection score 0..1 (SAR presence score)
    name             VARCHAR,                   -- radar target label (TTM name or TLB)
    status           VARCHAR,                   -- radar: T tracking, Q acquiring
    line_no          BIGINT,                    -- line (or row / feature) of its source
    -- correlation with AIS (NULL until detection has run over it)
    match_mmsi       INTEGER,                   -- the AIS vessel it is; NULL: none matches
    match_score      DOUBLE,                    -- exp(-cost/2), 1 = perfect agreement
    runner_up_mmsi   INTEGER,                   -- the best other candidate
    runner_up_score  DOUBLE,
    n_candidates     INTEGER,                   -- AIS vessels inside the gate
    correlated_at    TIMESTAMPTZ                -- wall clock when it was first correlated
);

-- One row per satellite scene: where the sensor looked (WKT polygon, lon/lat) and when.
CREATE TABLE IF NOT EXISTS scenes (
    scene_id         VARCHAR PRIMARY KEY,
    ts               TIMESTAMPTZ NOT NULL,      -- acquisition time
    sensor_id        VARCHAR NOT NULL,
    source_kind      VARCHAR NOT NULL,          -- sar | optical | viirs
    footprint_wkt    VARCHAR NOT NULL,
    run_id           BIGINT
);

-- One row per radar station or satellite sensor known from --sensors FILE or --radar-origin.
CREATE TABLE IF NOT EXISTS sensors (
    sensor_id        VARCHAR PRIMARY KEY,
    kind             VARCHAR NOT NULL,          -- radar | sar | optical | viirs
    lat              DOUBLE,                    -- a fixed station's position (NULL: shipborne)
    lon              DOUBLE,
    range_km         DOUBLE,                    -- stated coverage of a radar (km)
    min_length_m     DOUBLE,                    -- smallest vessel it is expected to detect
    p_detect         DOUBLE,                    -- per-scan (radar) or per-scene probability of
                                               -- detecting a vessel of at least min_length_m
    description      VARCHAR
);
