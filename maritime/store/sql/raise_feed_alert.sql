-- Open a feed-silence alert unless one is open for the feed.
INSERT INTO feed_alerts (feed, silent_since, raised_at, last_error)
SELECT $feed, $silent_since, $raised_at, $last_error
WHERE NOT EXISTS (SELECT 1 FROM feed_alerts WHERE feed = $feed AND resolved_at IS NULL);
