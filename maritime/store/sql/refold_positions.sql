-- The stored positions of the vessels whose per-vessel rows are rebuilt, in time order.
SELECT mmsi, ts, lat, lon, sog, payload_hash, station
FROM positions WHERE mmsi IN (SELECT mmsi FROM forget_mmsi) ORDER BY ts;
