INSERT OR IGNORE INTO patrol_units (name, added_at) VALUES ($name, $added_at);
