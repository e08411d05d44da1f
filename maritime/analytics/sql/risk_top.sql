-- The highest current scores with each vessel's name and flag.
SELECT r.mmsi, v.name, v.flag, r.score, r.base, r.association, r.as_of, r.factors
FROM vessel_risk_latest r LEFT JOIN vessels v USING (mmsi)
ORDER BY r.score DESC, r.mmsi
LIMIT $n
