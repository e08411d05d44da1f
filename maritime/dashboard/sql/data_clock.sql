-- The data-time span of the database: first and latest report (epoch seconds). Reports
-- stamped later than $limit (a clock far ahead of the wall clock) are ignored.
SELECT epoch(min(first_seen)) AS first_s,
       epoch(max(last_seen) FILTER (WHERE last_seen <= $limit)) AS last_s,
       count(*) AS vessels
FROM vessels;
