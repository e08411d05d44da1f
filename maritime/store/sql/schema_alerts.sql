-- Alert workflow of the watch-floor dashboard (acknowledge, assign, dismiss).
SELECT 1;
