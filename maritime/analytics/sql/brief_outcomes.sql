-- Outcomes of the period's alerts: the latest outcome of each alert, by result and unit.
SELECT o.result, o.unit, count(*) AS alerts
FROM (SELECT * FROM alert_outcomes QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY recorded_at DESC) = 1) o
JOIN events e USING (event_id)
WHERE e.start_time >= $since
GROUP BY ALL ORDER BY alerts DESC
