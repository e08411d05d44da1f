-- Does the alert exist (an event, or a feed alert 'feed:<id>')?
SELECT EXISTS (SELECT 1 FROM events WHERE event_id = $event_id)
    OR EXISTS (SELECT 1 FROM feed_alerts WHERE 'feed:' || feed_alert_id = $event_id) AS present;
