-- Fold a batch of positions into the one-row-per-vessel table. `batch_vessels` holds one
-- row per MMSI of the batch (maritime.store.summary.latest_positions): first and last
-- time, the latest position and the latest known speed.
INSERT INTO vessels (mmsi, mid, flag, first_seen, last_seen, last_lat, last_lon, last_sog)
SELECT b.mmsi, mmsi_mid(b.mmsi), f.country, b.first_seen, b.last_seen, b.last_lat, b.last_lon, b.last_sog
FROM batch_vessels b LEFT JOIN mid_flags f ON f.mid = mmsi_mid(b.mmsi)
ON CONFLICT (mmsi) DO UPDATE SET
    first_seen = least(vessels.first_seen, excluded.first_seen),
    last_lat = CASE WHEN vessels.last_seen IS NULL OR excluded.last_seen >= vessels.last_seen THEN excluded.last_lat ELSE vessels.last_lat END,
    last_lon = CASE WHEN vessels.last_seen IS NULL OR excluded.last_seen >= vessels.last_seen THEN excluded.last_lon ELSE vessels.last_lon END,
    last_sog = CASE WHEN vessels.last_seen IS NULL OR excluded.last_seen >= vessels.last_seen THEN excluded.last_sog ELSE vessels.last_sog END,
    last_seen = greatest(vessels.last_seen, excluded.last_seen);
