-- Which of the events $ids were acknowledged or dismissed (their latest workflow action).
SELECT event_id
FROM alert_actions
WHERE event_id IN (SELECT unnest($ids)) AND action IN ('acknowledge', 'dismiss', 'reopen')
GROUP BY event_id
HAVING arg_max(action, action_id) IN ('acknowledge', 'dismiss');
