-- Vessels whose risk inputs changed since the last update: events written by detection after
-- $events_since (as the vessel or its partner), identity changes after $identity_since,
-- vessels that have no score yet, vessels whose score rests on an event that detection has
-- since deleted (a factor in $event_factors refers to event ids), and vessels scored as
-- watch-listed (they may have left the list).
WITH factor AS (  -- every factor of every current score, its JSON read once
    SELECT r.mmsi, f.value->>'factor' AS name, CAST(f.value->'refs' AS VARCHAR[]) AS refs
    FROM vessel_risk_latest r, json_each(r.factors) f
)
SELECT mmsi FROM events WHERE $events_since IS NULL OR updated_at > $events_since
UNION SELECT other_mmsi FROM events
      WHERE other_mmsi IS NOT NULL AND ($events_since IS NULL OR updated_at > $events_since)
UNION SELECT mmsi FROM identity_history WHERE $identity_since IS NULL OR ts > $identity_since
UNION SELECT mmsi FROM vessels WHERE mmsi NOT IN (SELECT mmsi FROM vessel_risk_latest)
UNION SELECT mmsi FROM (SELECT mmsi, unnest(refs) AS ref FROM factor WHERE list_contains($event_factors, name)) cited
      WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.event_id = cited.ref)
UNION SELECT mmsi FROM factor WHERE name = 'watch_list'
