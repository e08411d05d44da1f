"""Correlation and contact events in DuckDB: stored matches, tracks as units, idempotent runs."""

from __future__ import annotations

import re
from pathlib import Path

from maritime.decode.sensors import parse_sensors
from maritime.detect.contact_runner import correlate_pending
from maritime.detect.runner import run_detection
from maritime.ingest.contacts import ContactOptions
from maritime.ingest.options import IngestOptions
from maritime.ingest.recordings import ingest_paths
from maritime.scenario.contacts import write_scenario
from maritime.store.database import Store


def test_correlation_is_stored_per_track_and_detection_is_idempotent(tmp_path: Path) -> None:
    truth = write_scenario(tmp_path, seed=3, hours=2.0)
    sensors = parse_sensors((tmp_path / "sensors.toml").read_text(), "sensors.toml")
    store = Store(tmp_path / "c.duckdb")
    try:
        options = IngestOptions(progress=False, contacts=ContactOptions(sensors=sensors))
        ingest_paths(store, [str(tmp_path / "mixed.nmea"), str(tmp_path / "detections.csv")], options)
        con = store.con
        total = con.execute("SELECT count(*) FROM contacts").fetchall()[0][0]
        assert correlate_pending(con) == total
        assert correlate_pending(con) == 0  # nothing new
        assert con.execute("SELECT count(*) FROM contacts WHERE correlated_at IS NULL").fetchall()[0][0] == 0
        # a radar track is matched as one unit: one MMSI (or none) per track
        per_track = con.execute(
            "SELECT track_id, count(DISTINCT coalesce(match_mmsi, -1)) FROM contacts WHERE track_id IS NOT NULL "
            "GROUP BY 1"
        ).fetchall()
        assert per_track and all(n == 1 for _, n in per_track)
        for tid, mmsi in con.execute(
            "SELECT track_id, any_value(match_mmsi) FROM contacts WHERE track_id IS NOT NULL GROUP BY 1"
        ).fetchall():
            assert mmsi == truth["tracks"][tid]["mmsi"], tid
        scored = con.execute(
            "SELECT min(match_score), max(match_score), count(runner_up_mmsi) FROM contacts "
            "WHERE match_mmsi IS NOT NULL"
        ).fetchall()[0]
        assert 0 < scored[0] <= scored[1] <= 1
        first = run_detection(con)
        assert first.by_kind_zone  # events of the contact kinds among them
        kinds = {k for k, _ in first.by_kind_zone}
        assert {"dark_vessel", "dark_rendezvous"} <= kinds
        again = run_detection(con)
        assert again.written == 0 and again.deleted == 0
        # the README's queries on contacts return rows
        readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
        queries = [q for b in re.findall(r"```sql contacts\n(.*?)```", readme, re.S) for q in b.split(";") if q.strip()]
        assert len(queries) >= 2
        for q in queries:
            assert con.execute(q).fetchall(), q
    finally:
        store.close()
