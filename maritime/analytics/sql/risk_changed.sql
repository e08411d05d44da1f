-- Vessels whose risk inputs changed since the last update: events written by detection after
-- $events_since (as the vessel or its partner), identity changes after $identity_since, and
-- vessels that have no score yet.
SELECT mmsi FROM events WHERE $events_since IS NULL OR updated_at > $events_since
UNION SELECT other_mmsi FROM events
      WHERE other_mmsi IS NOT NULL AND ($events_since IS NULL OR updated_at > $events_since)
UNION SELECT mmsi FROM identity_history WHERE $identity_since IS NULL OR ts > $identity_since
UNION SELECT mmsi FROM vessels WHERE mmsi NOT IN (SELECT mmsi FROM vessel_risk_latest)
