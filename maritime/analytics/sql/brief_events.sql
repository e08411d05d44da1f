-- Events of the period by kind and zone.
SELECT kind, coalesce(zone, '(outside zones)') AS zone, count(*) AS events,
       count(DISTINCT mmsi) AS vessels, round(avg(confidence), 2) AS mean_confidence
FROM events WHERE start_time >= $since
GROUP BY ALL ORDER BY events DESC, kind, zone
