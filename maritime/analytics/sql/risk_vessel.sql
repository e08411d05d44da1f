-- One vessel's current score and factors.
SELECT score, base, association, as_of, factors FROM vessel_risk_latest WHERE mmsi = $mmsi
