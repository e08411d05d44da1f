-- The actions taken on one alert (own id or same behaviour), latest first.
SELECT action_id, event_id, action, actor, epoch(acted_at) AS acted_s, unit, reason
FROM alert_actions
WHERE event_id = $event_id
   OR (kind = $kind AND mmsi IS NOT NULL
       AND ((mmsi = $mmsi AND other_mmsi IS NOT DISTINCT FROM $other_mmsi)
            OR (mmsi = $other_mmsi AND other_mmsi = $mmsi))
       AND $start >= span_start - INTERVAL 15 MINUTE AND (span_end IS NULL OR $start <= span_end))
ORDER BY acted_at DESC, action_id DESC
LIMIT 20;
