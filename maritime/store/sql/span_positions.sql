-- The time span of the stored positions near a batch (NULLs when there are none).
SELECT min(ts), max(ts) FROM positions WHERE ts BETWEEN $lo AND $hi;
