-- Claim up to $limit due delivery rows of one sink: pending and due, or sending with an
-- expired lease (the sender crashed mid-send). Marks them sending until $lease_until.
UPDATE alert_deliveries
SET state = 'sending', lease_until = $lease_until
WHERE sink = $sink
  AND alert_id IN (
    SELECT alert_id FROM alert_deliveries
    WHERE sink = $sink
      AND ((state = 'pending' AND next_attempt_at <= $now)
        OR (state = 'sending' AND lease_until <= $now))
    ORDER BY next_attempt_at, alert_id
    LIMIT $limit)
RETURNING alert_id, revision, attempts;
