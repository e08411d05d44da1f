-- Every outcome (append-only), for the Results metrics.
SELECT event_id, result, unit, outcome_at, recorded_at FROM alert_outcomes
