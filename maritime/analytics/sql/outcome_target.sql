-- The event an outcome is for, by events.event_id: event_id, kind, mmsi, zone.
SELECT event_id, kind, mmsi, zone FROM events WHERE event_id = $id
