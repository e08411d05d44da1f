-- Write a batch of correlation results (registered as match_batch) into contacts.
UPDATE contacts SET
    match_mmsi = CASE WHEN m.mmsi >= 0 THEN m.mmsi END,
    match_score = CASE WHEN m.mmsi >= 0 THEN m.score END,
    runner_up_mmsi = CASE WHEN m.runner_up_mmsi >= 0 THEN m.runner_up_mmsi END,
    runner_up_score = CASE WHEN m.runner_up_mmsi >= 0 THEN m.runner_up_score END,
    n_candidates = m.n_candidates,
    correlated_at = coalesce(contacts.correlated_at, $now)
FROM match_batch m
WHERE contacts.contact_id = m.contact_id
