-- The period's positions of the given vessels, in time order (the track map).
SELECT mmsi, lat, lon FROM positions WHERE ts >= $since AND list_contains($mmsis, mmsi) ORDER BY mmsi, ts
