-- One vessel's identity changes (name, call sign, IMO, type) up to $end, latest first.
SELECT epoch(ts) AS t, field, previous, value
FROM identity_history
WHERE mmsi = $mmsi AND field IN ('name', 'callsign', 'imo', 'ship_type')
  AND previous IS NOT NULL AND ts <= $end
ORDER BY ts DESC
LIMIT 50;
