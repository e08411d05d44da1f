-- One failed attempt: pending again at $next_attempt, or failed for good ($state = 'failed').
UPDATE alert_deliveries
SET state = $state, attempts = attempts + 1, last_error = $error, lease_until = NULL,
    next_attempt_at = coalesce($next_attempt, next_attempt_at)
WHERE alert_id = $id AND revision = $revision AND sink = $sink AND state = 'sending';
