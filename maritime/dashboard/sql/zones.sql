-- Patrol zones in use by detection.
SELECT name, description, geojson FROM zones ORDER BY name;
