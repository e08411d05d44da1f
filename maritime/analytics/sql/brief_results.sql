-- Results by zone over the period: alerts raised, acted on (an action other than a dismissal,
-- or an outcome), reached (latest outcome a boarding), confirmed (violation found or seized).
WITH latest AS (
    SELECT * FROM alert_outcomes QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY recorded_at DESC) = 1
), a AS (
    SELECT e.event_id, coalesce(e.zone, '(outside zones)') AS zone, l.result,
           l.result IS NOT NULL OR EXISTS (SELECT 1 FROM alert_actions x WHERE x.event_id = e.event_id
                                            AND x.action <> 'dismiss') AS acted_on
    FROM events e LEFT JOIN latest l USING (event_id)
    WHERE e.start_time >= $since
)
SELECT zone, count(*) AS raised, count(*) FILTER (acted_on) AS acted_on,
       count(*) FILTER (result IN ('boarded_no_violation', 'violation_found', 'seized')) AS reached,
       count(*) FILTER (result IN ('violation_found', 'seized')) AS confirmed,
       round(count(*) FILTER (result IN ('violation_found', 'seized'))
             / nullif(count(*) FILTER (result IN ('boarded_no_violation', 'violation_found', 'seized')), 0), 3)
             AS confirmation_rate
FROM a GROUP BY zone ORDER BY raised DESC
