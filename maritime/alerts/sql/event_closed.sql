-- Whether an event was acknowledged or dismissed (its latest workflow action), so its alerts
-- are not sent.
SELECT coalesce(arg_max(action, action_id) IN ('acknowledge', 'dismiss'), false)
FROM alert_actions
WHERE event_id = $event_id AND action IN ('acknowledge', 'dismiss', 'reopen');
