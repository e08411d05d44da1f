"""DuckDB writes of contacts, scenes and sensors (the schema is ``sql/schema_contacts.sql``).

Callers that need a write to be atomic with a checkpoint run these inside the store's
transaction (``Store.append``'s checkpoint callback runs inside it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import duckdb
import pyarrow as pa

from maritime.decode.detections import Footprint
from maritime.decode.radar import Contact, contacts_table
from maritime.decode.sensors import Sensor

#: Columns written from a :data:`maritime.decode.radar.CONTACT_SCHEMA` table.
INSERT_CONTACTS = """
INSERT INTO contacts (run_id, ts, lat, lon, source_kind, sensor_id, track_id, target_number, scene_id,
                      detect_id, sigma_major_m, sigma_minor_m, orientation_deg, speed_kn, course_deg,
                      length_m, confidence, name, status, line_no)
SELECT $run_id, ts, lat, lon, source_kind, sensor_id, track_id,
       TRY_CAST(split_part(track_id, ':', -1) AS INTEGER), scene_id, detect_id, sigma_major_m, sigma_minor_m,
       orientation_deg, speed_kn, course_deg, length_m, confidence, left(name, 64), status, line_no
FROM contact_batch
"""

UPSERT_SCENE = """
INSERT OR REPLACE INTO scenes (scene_id, ts, sensor_id, source_kind, footprint_wkt, run_id)
VALUES (?, ?, ?, ?, ?, ?)
"""

UPSERT_SENSOR = """
INSERT OR REPLACE INTO sensors (sensor_id, kind, lat, lon, range_km, min_length_m, p_detect, description)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
"""


def append_contacts(con: duckdb.DuckDBPyConnection, run_id: int, contacts: Sequence[Contact]) -> int:
    """Insert contacts (not yet correlated); returns how many."""
    if not contacts:
        return 0
    table = contacts_table(contacts)
    con.register("contact_batch", table)
    try:
        con.execute(INSERT_CONTACTS, {"run_id": run_id})
    finally:
        con.unregister("contact_batch")
    return len(contacts)


def upsert_scenes(
    con: duckdb.DuckDBPyConnection, run_id: int, footprints: Iterable[Footprint], source_kind: str
) -> int:
    """Insert or replace scene footprints (one row per scene id); returns how many."""
    rows = [
        [f.scene_id, pa.scalar(f.ts_us, pa.timestamp("us", tz="UTC")).as_py(), f.sensor_id, source_kind, f.wkt, run_id]
        for f in footprints
    ]
    if rows:
        con.executemany(UPSERT_SCENE, rows)
    return len(rows)


def upsert_sensors(con: duckdb.DuckDBPyConnection, sensors: Iterable[Sensor]) -> int:
    """Insert or replace sensors by id; returns how many."""
    rows = [[s.sensor_id, s.kind, s.lat, s.lon, s.range_km, s.min_length_m, s.p_detect, s.description] for s in sensors]
    if rows:
        con.executemany(UPSERT_SENSOR, rows)
    return len(rows)
