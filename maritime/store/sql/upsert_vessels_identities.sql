-- Fold a batch of identity reports into the vessels table: the latest non-NULL value of
-- each field wins (type 24 parts A and B each carry only some fields). `id_batch_vessels`
-- holds one row per MMSI of the batch with the latest non-NULL value of each field
-- (maritime.store.summary.latest_identities).
INSERT INTO vessels (mmsi, mid, flag, name, callsign, imo, ship_type, length_m, width_m, draught, destination, first_seen, last_seen, identity_ts)
SELECT b.mmsi, mmsi_mid(b.mmsi), f.country, b.name, b.callsign, b.imo, b.ship_type, b.length_m, b.width_m,
       b.draught, b.destination, b.first_seen, b.last_seen, b.last_seen
FROM id_batch_vessels b LEFT JOIN mid_flags f ON f.mid = mmsi_mid(b.mmsi)
ON CONFLICT (mmsi) DO UPDATE SET
    name        = CASE WHEN vessels.identity_ts IS NULL OR excluded.identity_ts >= vessels.identity_ts THEN coalesce(excluded.name, vessels.name) ELSE coalesce(vessels.name, excluded.name) END,
    callsign    = CASE WHEN vessels.identity_ts IS NULL OR excluded.identity_ts >= vessels.identity_ts THEN coalesce(excluded.callsign, vessels.callsign) ELSE coalesce(vessels.callsign, excluded.callsign) END,
    imo         = CASE WHEN vessels.identity_ts IS NULL OR excluded.identity_ts >= vessels.identity_ts THEN coalesce(excluded.imo, vessels.imo) ELSE coalesce(vessels.imo, excluded.imo) END,
    ship_type   = CASE WHEN vessels.identity_ts IS NULL OR excluded.identity_ts >= vessels.identity_ts THEN coalesce(excluded.ship_type, vessels.ship_type) ELSE coalesce(vessels.ship_type, excluded.ship_type) END,
    length_m    = CASE WHEN vessels.identity_ts IS NULL OR excluded.identity_ts >= vessels.identity_ts THEN coalesce(excluded.length_m, vessels.length_m) ELSE coalesce(vessels.length_m, excluded.length_m) END,
    width_m     = CASE WHEN vessels.identity_ts IS NULL OR excluded.identity_ts >= vessels.identity_ts THEN coalesce(excluded.width_m, vessels.width_m) ELSE coalesce(vessels.width_m, excluded.width_m) END,
    draught     = CASE WHEN vessels.identity_ts IS NULL OR excluded.identity_ts >= vessels.identity_ts THEN coalesce(excluded.draught, vessels.draught) ELSE coalesce(vessels.draught, excluded.draught) END,
    destination = CASE WHEN vessels.identity_ts IS NULL OR excluded.identity_ts >= vessels.identity_ts THEN coalesce(excluded.destination, vessels.destination) ELSE coalesce(vessels.destination, excluded.destination) END,
    identity_ts = greatest(vessels.identity_ts, excluded.identity_ts),
    first_seen  = least(vessels.first_seen, excluded.first_seen),
    last_seen   = greatest(vessels.last_seen, excluded.last_seen);
