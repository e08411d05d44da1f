-- An alert whose severity rose: new severity and payload, next revision.
UPDATE alert_outbox
SET severity = $severity, severity_rank = $rank, revision = $revision, payload = $payload::JSON, updated_at = $now
WHERE alert_id = $id;
