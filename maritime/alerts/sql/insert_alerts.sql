-- New alerts, one row each (the lists are columns of the same length).
INSERT INTO alert_outbox
SELECT unnest($ids), unnest($event_ids), unnest($rule_ids), unnest($severities), unnest($ranks), 1,
       unnest($payloads)::JSON, unnest($created), $now, $now;
