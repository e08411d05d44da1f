-- The events of the vessels in temp table risk_targets, as the vessel or as its partner.
SELECT event_id, kind, mmsi, other_mmsi, epoch(start_time) AS start_s, epoch(end_time) AS end_s, zone, confidence
FROM events
WHERE mmsi IN (SELECT mmsi FROM risk_targets) OR other_mmsi IN (SELECT mmsi FROM risk_targets)
