-- Changes whenever `maritime risk` (or the live cycle) writes new scores.
SELECT count(*) AS n, epoch_us(max(computed_at)) AS last_us FROM vessel_risk_latest;
