-- An operator's resend of one alert to one sink: pending again now.
UPDATE alert_deliveries
SET state = 'pending', attempts = 0, next_attempt_at = $now, lease_until = NULL
WHERE alert_id = $id AND sink = $sink
RETURNING alert_id;
