-- Changes of name, call sign, IMO number or ship type after a vessel's first report (the
-- first value has previous NULL and is not a change), for the vessels in risk_targets.
SELECT mmsi, field, CAST(ts AS VARCHAR) AS ts
FROM identity_history
WHERE mmsi IN (SELECT mmsi FROM risk_targets)
  AND field IN ('name', 'callsign', 'imo', 'ship_type')
  AND previous IS NOT NULL AND value IS DISTINCT FROM previous
ORDER BY mmsi, ts
