-- The earliest and latest stored copies of the touched transmissions within the duplicate
-- window ($window_us) of [$a, $b]: the span is widened until no copy chains into it from
-- outside (a transmission's copies are chained, each within the window of the one before).
SELECT min(r.ts), max(r.ts)
FROM receptions r
SEMI JOIN touched t ON r.mmsi = t.mmsi AND r.payload_hash = t.payload_hash
WHERE r.ts BETWEEN $a - to_microseconds($window_us) AND $b + to_microseconds($window_us);
