-- Whether the table (or view) $name exists: the analytics tables appear only after
-- `maritime risk` / `maritime hotspots` ran on this database.
SELECT count(*) > 0 AS present FROM information_schema.tables WHERE table_name = $name;
