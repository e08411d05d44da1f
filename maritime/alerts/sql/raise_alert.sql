-- An alert whose severity rose: new severity, payload and rule version, next revision.
UPDATE alert_outbox
SET severity = $severity, severity_rank = $rank, revision = $revision, payload = $payload::JSON, updated_at = $now,
    rule_version = coalesce($rule_version, rule_version)
WHERE alert_id = $id;
