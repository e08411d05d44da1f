-- Where the period's events happened (the map).
SELECT kind, lat, lon FROM events WHERE start_time >= $since AND lat IS NOT NULL AND lon IS NOT NULL
