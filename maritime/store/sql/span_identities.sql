-- The time span of the stored identities near a batch (NULLs when there are none).
SELECT min(ts), max(ts) FROM identity_reports WHERE ts BETWEEN $lo AND $hi;
