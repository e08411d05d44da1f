-- Not to be sent: the event was acknowledged or dismissed after the alert was queued.
UPDATE alert_deliveries
SET state = 'suppressed', lease_until = NULL
FROM (SELECT unnest($ids) AS id, unnest($revisions) AS rev) sent
WHERE alert_deliveries.alert_id = sent.id AND alert_deliveries.revision = sent.rev
  AND alert_deliveries.sink = $sink AND alert_deliveries.state = 'sending';
