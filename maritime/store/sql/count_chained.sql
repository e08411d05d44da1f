-- The transmissions in `chains` (chains.sql) of the touched keys no record table holds,
-- by message type.
SELECT t.msg_type, count(*)
FROM chains c JOIN touched t ON c.mmsi = t.mmsi AND c.payload_hash = t.payload_hash
WHERE t.kind = 0
GROUP BY t.msg_type;
