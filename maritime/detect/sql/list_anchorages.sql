-- Learned anchorages, the busiest first.
SELECT anchorage_id, lat, lon, radius_km, cells, vessels, hours, first_seen, last_seen, port_km
FROM anchorages
ORDER BY vessels DESC, hours DESC, anchorage_id
