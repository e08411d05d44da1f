-- Fold a batch of identity reports (`id_batch`) into the vessels table: the latest
-- non-NULL value of each field wins (type 24 parts A and B each carry only some fields).
INSERT INTO vessels (mmsi, mid, flag, name, callsign, imo, ship_type, length_m, width_m, draught, destination, first_seen, last_seen, identity_ts)
SELECT b.mmsi, mmsi_mid(b.mmsi), any_value(f.country),
       arg_max(b.name, b.ts) FILTER (WHERE b.name IS NOT NULL),
       arg_max(b.callsign, b.ts) FILTER (WHERE b.callsign IS NOT NULL),
       arg_max(b.imo, b.ts) FILTER (WHERE b.imo IS NOT NULL),
       arg_max(b.ship_type, b.ts) FILTER (WHERE b.ship_type IS NOT NULL),
       arg_max(b.to_bow + b.to_stern, b.ts) FILTER (WHERE b.to_bow IS NOT NULL AND b.to_stern IS NOT NULL),
       arg_max(b.to_port + b.to_starboard, b.ts) FILTER (WHERE b.to_port IS NOT NULL AND b.to_starboard IS NOT NULL),
       arg_max(b.draught, b.ts) FILTER (WHERE b.draught IS NOT NULL),
       arg_max(b.destination, b.ts) FILTER (WHERE b.destination IS NOT NULL),
       min(b.ts), max(b.ts), max(b.ts)
FROM id_batch b LEFT JOIN mid_flags f ON f.mid = mmsi_mid(b.mmsi)
GROUP BY b.mmsi
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
