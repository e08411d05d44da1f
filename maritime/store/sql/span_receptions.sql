-- The time span of the stored receptions near a batch (NULLs when there are none).
SELECT min(ts), max(ts) FROM receptions WHERE ts BETWEEN $lo AND $hi;
