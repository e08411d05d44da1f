-- New alerts, one row each (the lists are columns of the same length).
INSERT INTO alert_outbox (alert_id, event_id, rule_id, severity, severity_rank, revision, payload, created_at,
                          enqueued_at, updated_at, rule_version)
SELECT unnest($ids), unnest($event_ids), unnest($rule_ids), unnest($severities), unnest($ranks), 1,
       unnest($payloads)::JSON, unnest($created), $now, $now, unnest($rule_versions);
