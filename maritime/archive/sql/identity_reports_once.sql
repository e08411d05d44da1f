-- The archive's identity reports (registered as `archived`) into the identity_reports table
-- of an in-memory database, each transmission once: two origins may hold the same report
-- (same mmsi, ts and payload_hash); the copy heard by the most stations is kept.
-- (QUALIFY, not DISTINCT ON ... ORDER BY: the latter sorts every column, ~4x the memory.)
INSERT INTO identity_reports
SELECT mmsi, ts, msg_type, part, imo, callsign, name, ship_type, to_bow, to_stern, to_port, to_starboard,
       draught, destination, eta, station, n_stations, payload_hash, run_id
FROM archived
QUALIFY row_number() OVER (PARTITION BY mmsi, ts, payload_hash ORDER BY n_stations DESC, station, run_id) = 1
