-- Claimed rows given back unsent (rate limit): pending again, due at $next_attempt; no attempt counted.
UPDATE alert_deliveries
SET state = 'pending', lease_until = NULL, next_attempt_at = $next_attempt
FROM (SELECT unnest($ids) AS id, unnest($revisions) AS rev) sent
WHERE alert_deliveries.alert_id = sent.id AND alert_deliveries.revision = sent.rev
  AND alert_deliveries.sink = $sink AND alert_deliveries.state = 'sending';
