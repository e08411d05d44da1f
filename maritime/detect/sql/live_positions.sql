-- Position reports of the live detection window (maritime.detect.live.LiveDetection): those
-- at or after $since whose row id is in ($after, $upto] (the rows stored since the last cycle,
-- in the order of ingest), ordered as read_positions.sql; the receiver by name.
SELECT mmsi, epoch_us(ts) AS t_us, lat, lon, sog, cog, msg_type, station, payload_hash
FROM positions
WHERE ts >= $since AND rowid > $after AND rowid <= $upto
ORDER BY mmsi, ts, payload_hash
