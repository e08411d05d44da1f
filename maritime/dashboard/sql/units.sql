-- Patrol units known: listed ones and any ever assigned.
SELECT name FROM patrol_units
UNION
SELECT DISTINCT unit FROM alert_actions WHERE unit IS NOT NULL
ORDER BY 1;
