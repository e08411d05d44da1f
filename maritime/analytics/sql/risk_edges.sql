-- Every rendezvous: the encounter network.
SELECT event_id, kind, mmsi, other_mmsi, epoch(start_time) AS start_s, epoch(end_time) AS end_s, zone, confidence
FROM events WHERE kind = 'rendezvous' AND other_mmsi IS NOT NULL
