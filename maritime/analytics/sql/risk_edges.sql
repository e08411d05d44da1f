-- The encounter network: one edge per pair of vessels that had a rendezvous, with the
-- confidence-weighted number of meetings and their event ids (see analytics/risk.py).
SELECT least(mmsi, other_mmsi) AS a, greatest(mmsi, other_mmsi) AS b,
       sum(least(greatest(confidence, 0), 1)) AS meetings, list(event_id ORDER BY event_id) AS event_ids
FROM events
WHERE kind = 'rendezvous' AND other_mmsi IS NOT NULL AND other_mmsi <> mmsi
GROUP BY ALL
