-- Position reports the detectors read: every report at or after $since (UTC), ordered by
-- vessel then time. t_us is the receive time in microseconds since the epoch (UTC);
-- station_code numbers the receivers (station_names.sql lists them in the same order), so
-- that millions of receiver names are not copied out of the database. Ties in time are
-- ordered by payload hash, so that every engine hands the detectors the same sequence.
WITH st AS (
    SELECT station, (row_number() OVER (ORDER BY station) - 1)::INTEGER AS station_code
    FROM (SELECT DISTINCT station FROM positions WHERE ts >= $since AND station IS NOT NULL)
)
SELECT p.mmsi, epoch_us(p.ts) AS t_us, p.lat, p.lon, p.sog, p.cog, p.msg_type, st.station_code
FROM positions p LEFT JOIN st USING (station)
WHERE p.ts >= $since
ORDER BY p.mmsi, p.ts, p.payload_hash
