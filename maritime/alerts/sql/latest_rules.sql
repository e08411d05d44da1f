-- The latest stored version and hash of every rule id.
SELECT rule_id, max(version) AS version, arg_max(hash, version) AS hash
FROM alert_rules GROUP BY rule_id;
