-- MMSIs that may match a watch list: listed MMSIs, and vessels that reported a listed IMO,
-- call sign or name, now or in identity_history (normalised: upper case, spaces collapsed).
-- A pre-filter: maritime.alerts.watchlist decides.
WITH ids AS (
    SELECT mmsi, 'imo' AS field, CAST(imo AS VARCHAR) AS value FROM vessels WHERE imo IS NOT NULL
    UNION ALL SELECT mmsi, 'callsign', callsign FROM vessels WHERE callsign IS NOT NULL
    UNION ALL SELECT mmsi, 'name', name FROM vessels WHERE name IS NOT NULL
    UNION ALL SELECT mmsi, field, value FROM identity_history
        WHERE field IN ('imo', 'callsign', 'name') AND value IS NOT NULL
    UNION ALL SELECT mmsi, field, previous FROM identity_history
        WHERE field IN ('imo', 'callsign', 'name') AND previous IS NOT NULL
)
SELECT DISTINCT mmsi FROM ids
WHERE (field = 'imo' AND value IN (SELECT unnest($imos)))
   OR (field = 'callsign' AND upper(regexp_replace(trim(replace(value, '@', ' ')), '\s+', ' ', 'g'))
        IN (SELECT unnest($callsigns)))
   OR (field = 'name' AND upper(regexp_replace(trim(replace(value, '@', ' ')), '\s+', ' ', 'g'))
        IN (SELECT unnest($names)))
UNION
SELECT mmsi FROM vessels WHERE mmsi IN (SELECT unnest($mmsis)::INTEGER);
