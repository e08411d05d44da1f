-- A database from before the receptions table: each stored row is the one copy known of
-- its transmission (its other stations are only counted in n_stations).
INSERT INTO receptions
SELECT mmsi, payload_hash, ts, station, msg_type, run_id FROM positions
UNION
SELECT mmsi, payload_hash, ts, station, msg_type, run_id FROM identity_reports;
