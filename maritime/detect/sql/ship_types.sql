-- Declared AIS ship type (ITU-R M.1371-5 table 53) of each vessel, for the fishing detector's
-- candidates (maritime.detect.fishing.fold_ship_types folds repeated MMSIs).
SELECT mmsi, ship_type
FROM vessels
WHERE ship_type IS NOT NULL
