-- The flag (ITU country of the MID) of the vessels in risk_targets.
SELECT t.mmsi, f.country
FROM risk_targets t LEFT JOIN mid_flags f ON f.mid = mmsi_mid(t.mmsi)
