-- Rows and an order-free checksum of a whole (small) table: vessels, events.
SELECT count(*) AS n, bit_xor(hash(t)) AS checksum FROM {table} t
