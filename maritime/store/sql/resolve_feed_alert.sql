-- Close the open feed-silence alert of a feed (lines flow again).
UPDATE feed_alerts SET resolved_at = $resolved_at WHERE feed = $feed AND resolved_at IS NULL;
