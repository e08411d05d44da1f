SELECT epoch(last_seen) AS last_s FROM vessels WHERE mmsi = $mmsi;
