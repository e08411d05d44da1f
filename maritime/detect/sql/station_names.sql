-- Receiver names heard at or after $since, numbered as in read_positions.sql.
SELECT DISTINCT station FROM positions WHERE ts >= $since AND station IS NOT NULL ORDER BY station
