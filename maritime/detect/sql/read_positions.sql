-- Position reports the detectors read: every report at or after $since (UTC), ordered by
-- vessel then time. t_us is the receive time in microseconds since the epoch (UTC).
SELECT mmsi, epoch_us(ts) AS t_us, lat, lon, sog, cog, msg_type, station
FROM positions
WHERE ts >= $since
ORDER BY mmsi, ts
