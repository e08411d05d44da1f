-- What the page shows changes only when one of these does: a cheap fingerprint of the data
-- (each part reads table statistics or a few thousand rows).
SELECT (SELECT count(*) FROM positions) AS positions,
       (SELECT count(*) || '/' || sum(epoch_ms(last_seen)) || '/' || coalesce(sum(epoch_ms(identity_ts)), 0)
        FROM vessels) AS vessels,
       (SELECT count(*) || '/' || coalesce(epoch_ms(max(updated_at)), 0) FROM events) AS events,
       (SELECT max(action_id) FROM alert_actions) AS last_action,
       (SELECT count(*) || '/' || count(resolved_at) FROM feed_alerts) AS feed_alerts;
