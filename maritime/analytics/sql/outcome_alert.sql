-- The event of an alert of the outbox (alert_outbox.alert_id → events.event_id).
SELECT event_id FROM alert_outbox WHERE alert_id = $id
