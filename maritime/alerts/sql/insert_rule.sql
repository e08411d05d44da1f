-- A new version of one rule.
INSERT INTO alert_rules VALUES ($rule_id, $version, $hash, $definition::JSON, $description, $source, $now);
