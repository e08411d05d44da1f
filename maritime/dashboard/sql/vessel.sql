-- One vessel's latest identity, flag and last report.
SELECT v.mmsi, v.name, v.callsign, v.imo, v.ship_type, v.length_m, v.width_m, v.draught,
       v.destination, v.mid, coalesce(v.flag, m.country) AS flag, epoch(v.first_seen) AS first_s,
       epoch(v.last_seen) AS last_s, v.last_lat, v.last_lon, v.last_sog
FROM vessels v LEFT JOIN mid_flags m ON m.mid = mmsi_mid(v.mmsi)
WHERE v.mmsi = $mmsi;
