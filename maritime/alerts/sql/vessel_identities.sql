-- Identities of the MMSIs $mmsis: the vessels row, the class when $need_class (B if a type 24
-- static report was stored for it, A if a type 5), and every IMO, call sign and name
-- ever reported (vessels plus both sides of identity_history).
WITH wanted AS (SELECT DISTINCT unnest($mmsis)::INTEGER AS mmsi),
hist AS (
    SELECT h.mmsi, h.field, v AS value
    FROM identity_history h JOIN wanted USING (mmsi), unnest([h.value, h.previous]) AS t(v)
    WHERE h.field IN ('imo', 'callsign', 'name') AND v IS NOT NULL
),
cls AS (
    SELECT r.mmsi, bool_or(r.msg_type = 24) AS b, bool_or(r.msg_type = 5) AS a
    FROM identity_reports r JOIN wanted USING (mmsi)
    WHERE $need_class  -- only when a rule selects by class: this scans identity_reports
    GROUP BY r.mmsi
)
SELECT v.mmsi, v.name, v.callsign, v.imo, v.ship_type, v.length_m, v.mid, v.flag,
       CASE WHEN c.b THEN 'B' WHEN c.a THEN 'A' END AS vessel_class,
       list(DISTINCT h.value) FILTER (WHERE h.field = 'imo') AS imos,
       list(DISTINCT h.value) FILTER (WHERE h.field = 'callsign') AS callsigns,
       list(DISTINCT h.value) FILTER (WHERE h.field = 'name') AS names,
       v.first_seen, v.last_seen, v.last_lat, v.last_lon, v.last_sog
FROM vessels v JOIN wanted USING (mmsi)
LEFT JOIN hist h ON h.mmsi = v.mmsi
LEFT JOIN cls c ON c.mmsi = v.mmsi
GROUP BY ALL;
