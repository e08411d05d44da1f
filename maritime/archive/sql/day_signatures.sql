-- Per UTC day of a table with a `ts` column: rows and an order-free checksum of their
-- contents. A day whose (rows, checksum) differ from the archive's record is written again.
SELECT (ts AT TIME ZONE 'UTC')::DATE AS day, count(*) AS n, bit_xor(hash(t)) AS checksum
FROM {table} t
GROUP BY ALL
ORDER BY day
