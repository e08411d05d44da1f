-- Every vessel's current risk score (0-1), for colouring the map by risk.
SELECT mmsi, score FROM vessel_risk_latest;
