-- The sink acknowledged these alerts at these revisions. Rows whose revision moved on (the
-- severity rose meanwhile) or that are no longer being sent are left alone.
UPDATE alert_deliveries
SET state = 'delivered', delivered_at = $now, lease_until = NULL, digest_id = $digest_id
FROM (SELECT unnest($ids) AS id, unnest($revisions) AS rev) sent
WHERE alert_deliveries.alert_id = sent.id AND alert_deliveries.revision = sent.rev
  AND alert_deliveries.sink = $sink AND alert_deliveries.state = 'sending';
