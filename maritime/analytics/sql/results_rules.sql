-- Which rule raised the alert of each event (the alert outbox), for confirmation by rule.
SELECT DISTINCT event_id, rule_id FROM alert_outbox
