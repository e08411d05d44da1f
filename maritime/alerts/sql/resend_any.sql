-- An operator's resend of one alert: every sink's row (or only $sink's) pending again now.
UPDATE alert_deliveries
SET state = 'pending', attempts = 0, next_attempt_at = $now, lease_until = NULL
WHERE alert_id = $id AND ($sink IS NULL OR sink = $sink)
RETURNING sink;
