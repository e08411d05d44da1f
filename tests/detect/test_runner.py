"""The DuckDB adapter: incremental = one-shot, idempotence, open events closing, zones, CLI."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import duckdb
import pytest

from maritime.detect.cli import cmd_detect, cmd_events
from maritime.detect.config import ConfigError, load_config
from maritime.detect.runner import run_detection
from maritime.errors import UsageError
from maritime.store.database import SCHEMA_FILES, StoreError, sql
from tests.detect import EVENT_ROWS, T0, copy_db, straight, write_positions

ROWS = EVENT_ROWS


def test_second_run_changes_nothing(sample_db, tmp_path):
    con = duckdb.connect(str(copy_db(sample_db, tmp_path)))
    first = run_detection(con)
    assert first.written > 0 and first.full
    before = con.execute(ROWS.replace("FROM events", ", updated_at FROM events")).fetchall()
    second = run_detection(con)
    assert second.written == 0 and second.deleted == 0 and second.unchanged == first.written
    assert con.execute(ROWS.replace("FROM events", ", updated_at FROM events")).fetchall() == before
    assert con.execute("SELECT count(*) FROM detect_runs").fetchall()[0][0] == 2


def test_hourly_detection_equals_detection_once(sample_db, tmp_path):
    once = duckdb.connect(str(copy_db(sample_db, tmp_path)))
    run_detection(once)
    want = once.execute(ROWS).fetchall()
    assert len(want) >= 9

    inc = duckdb.connect(str(tmp_path / "inc.duckdb"))
    for name in SCHEMA_FILES:
        inc.execute(sql(name))
    inc.execute(f"ATTACH '{sample_db}' AS src (READ_ONLY)")
    # the vessels' declared ship types (which vessels may be fishing) as the full ingest knows them
    inc.execute("INSERT INTO vessels SELECT * FROM src.vessels")
    t0, t1 = inc.execute("SELECT epoch(min(ts)), epoch(max(ts)) FROM src.positions").fetchall()[0]
    t = t0
    while t <= t1:
        inc.execute(
            "INSERT INTO positions SELECT * FROM src.positions WHERE epoch(ts) >= ? AND epoch(ts) < ?", [t, t + 3600]
        )
        summary = run_detection(inc)
        t += 3600
    assert not summary.full
    assert inc.execute(ROWS).fetchall() == want


def _dark_rows(until_h: float, from_h: float = 0.0):
    sea = (-1.5, -85.2)
    rows = [r for r in straight(735000777, *sea, T0, 14, 60, speed_kn=0.5) if not 6 * 3600 <= r[1] - T0 < 10 * 3600]
    for k in range(4):
        rows += straight(760000000 + k, sea[0] + 0.02 * k, sea[1] - 0.02 * k, T0 + 5 * k, 14, 60, speed_kn=0.3, seed=k)
    return [r for r in rows if from_h * 3600 <= r[1] - T0 < until_h * 3600]


def test_open_dark_event_closes_when_the_vessel_reappears(tmp_path):
    con = duckdb.connect(str(tmp_path / "d.duckdb"))
    write_positions(con, _dark_rows(9.0))
    run_detection(con)
    open_ = con.execute(
        "SELECT event_id, epoch(start_time), end_time FROM events WHERE kind = 'dark_period'"
    ).fetchall()
    assert len(open_) == 1 and open_[0][2] is None
    assert open_[0][1] == pytest.approx(T0 + 6 * 3600, abs=90)
    write_positions(con, _dark_rows(14.0, from_h=9.0))
    run_detection(con)
    closed = con.execute(
        "SELECT event_id, epoch(start_time), epoch(end_time), confidence FROM events WHERE kind = 'dark_period'"
    ).fetchall()
    assert len(closed) == 1
    assert closed[0][0] == open_[0][0]
    assert closed[0][2] == pytest.approx(T0 + 10 * 3600, abs=90)
    assert closed[0][3] >= 0.8


def test_zones_are_written_and_events_named(sample_db, tmp_path):
    con = duckdb.connect(str(copy_db(sample_db, tmp_path)))
    run_detection(con)
    zones = con.execute("SELECT name, description, geojson FROM zones").fetchall()
    assert len(zones) == 9 and all(json.loads(g)["type"] == "Polygon" for _, _, g in zones)
    assert all(d for _, d, _ in zones)
    named = con.execute("SELECT count(*) FROM events WHERE zone IS NOT NULL").fetchall()[0][0]
    assert named >= 9


def test_other_thresholds_recompute_everything(sample_db, tmp_path):
    con = duckdb.connect(str(copy_db(sample_db, tmp_path)))
    run_detection(con)
    cfg = tmp_path / "strict.toml"
    cfg.write_text("[rendezvous]\nmin_duration_hours = 48.0\n")
    s = run_detection(con, config=load_config(cfg))
    assert s.full and s.reason == "thresholds or zones changed"
    assert con.execute("SELECT count(*) FROM events WHERE kind = 'rendezvous'").fetchall()[0][0] == 0


def test_no_positions(tmp_path):
    con = duckdb.connect(str(tmp_path / "e.duckdb"))
    for name in SCHEMA_FILES:
        con.execute(sql(name))
    s = run_detection(con)
    assert s.data_to is None and "no positions" in s.lines()[0]
    assert con.execute("SELECT count(*) FROM zones").fetchall()[0][0] == 9


# --- command line ---------------------------------------------------------------------------


def _ns(**kw):
    base = dict(
        db=None,
        zones=None,
        config=None,
        kind=None,
        zone=None,
        since=None,
        min_confidence=0.0,
        format="table",
        engine="duckdb",
        archive=None,
        scheduler=None,
    )
    base.update(kw)
    return argparse.Namespace(**base)


def test_cli_detect_and_events(sample_db, tmp_path, capsys):
    db = str(copy_db(sample_db, tmp_path))
    assert cmd_detect(_ns(db=db)) == 0
    out = capsys.readouterr().out
    assert "events by kind and zone" in out and "rendezvous" in out and "time" in out
    assert cmd_events(_ns(db=db, format="geojson")) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) >= 9
    f = doc["features"][0]
    assert f["geometry"]["type"] == "Point"
    assert {"event_id", "kind", "mmsi", "start_time", "zone", "confidence", "details"} <= set(f["properties"])
    assert cmd_events(_ns(db=db, kind="rendezvous", format="csv")) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("event_id,kind") and len(lines) == 4
    assert cmd_events(_ns(db=db, zone="Malpelo", format="json")) == 0
    assert all(e["zone"] == "Malpelo" for e in json.loads(capsys.readouterr().out))
    assert cmd_events(_ns(db=db, since="2025-01-15T20:00:00Z")) == 0
    assert "event(s)" in capsys.readouterr().out


def test_cli_errors_are_one_line(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        cmd_detect(_ns(db=str(tmp_path / "missing.duckdb")))
    bad = tmp_path / "bad.toml"
    bad.write_text("[dark]\nno_such_key = 1\n")
    with pytest.raises(UsageError, match="unknown key"):
        cmd_detect(_ns(db=str(tmp_path / "missing.duckdb"), config=str(bad)))
    with pytest.raises(UsageError, match="--kind"):
        cmd_events(_ns(db=str(tmp_path / "missing.duckdb"), kind="piracy"))
    with pytest.raises(UsageError, match="--zones"):
        cmd_detect(_ns(db=str(tmp_path / "x.duckdb"), zones=str(tmp_path / "nope.geojson")))


# --- settings kept in the database ----------------------------------------------------------

OURS = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "Ours", "description": "all of the sample's waters"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[-179, -60], [-60, -60], [-60, 60], [-179, 60], [-179, -60]]],
            },
        }
    ],
}


def write_zones(path: Path, name: str = "Ours") -> Path:
    doc = json.loads(json.dumps(OURS))
    doc["features"][0]["properties"]["name"] = name
    path.write_text(json.dumps(doc))
    return path


def zone_names(con) -> tuple[set[str], set[str | None]]:
    """(names in the zones table, zones of the stored events)."""
    table = {r[0] for r in con.execute("SELECT name FROM zones").fetchall()}
    return table, {r[0] for r in con.execute("SELECT DISTINCT zone FROM events").fetchall()}


def test_cli_zones_stay_until_new_ones_are_given(sample_db, tmp_path, capsys):
    db = str(copy_db(sample_db, tmp_path))
    ours = write_zones(tmp_path / "ours.geojson")
    assert cmd_detect(_ns(db=db, zones=str(ours))) == 0
    assert "zones: " + str(ours) + " (new: replaces the bundled patrol zones" in capsys.readouterr().out
    ours.unlink()  # the text is in the database: the file is no longer needed
    assert cmd_detect(_ns(db=db)) == 0
    out = capsys.readouterr().out
    assert f"zones: {ours} (stored in the database" in out and "events written 0" in out
    with duckdb.connect(db) as con:
        assert zone_names(con) == ({"Ours"}, {"Ours"})
    theirs = write_zones(tmp_path / "theirs.geojson", "Theirs")
    assert cmd_detect(_ns(db=db, zones=str(theirs))) == 0
    out = capsys.readouterr().out
    assert f"replaces the stored {ours}" in out and "recomputed all data" in out
    with duckdb.connect(db) as con:
        assert zone_names(con) == ({"Theirs"}, {"Theirs"})


def test_cli_thresholds_stay_until_new_ones_are_given(sample_db, tmp_path, capsys):
    db = str(copy_db(sample_db, tmp_path))
    strict = tmp_path / "strict.toml"
    strict.write_text("[rendezvous]\nmin_duration_hours = 48.0\n")

    def rendezvous() -> int:
        with duckdb.connect(db) as con:
            return int(con.execute("SELECT count(*) FROM events WHERE kind = 'rendezvous'").fetchall()[0][0])

    assert cmd_detect(_ns(db=db, config=str(strict))) == 0 and rendezvous() == 0
    assert cmd_detect(_ns(db=db)) == 0 and rendezvous() == 0
    assert f"thresholds: {strict} (stored in the database" in capsys.readouterr().out
    loose = tmp_path / "loose.toml"
    loose.write_text("[rendezvous]\nmin_duration_hours = 2.0\n")
    assert cmd_detect(_ns(db=db, config=str(loose))) == 0 and rendezvous() > 0
    assert f"replaces the stored {strict}" in capsys.readouterr().out


def test_cli_bad_settings_files_are_one_line(tmp_path):
    db = str(tmp_path / "x.duckdb")
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}}]}')
    with pytest.raises(UsageError, match=r"^--zones: .*bad.geojson: feature #0 has no 'name' property$"):
        cmd_detect(_ns(db=db, zones=str(bad)))
    broken = tmp_path / "broken.toml"
    broken.write_text("[dark\n")
    with pytest.raises(UsageError, match=r"^--config: .*broken.toml: not valid TOML"):
        cmd_detect(_ns(db=db, config=str(broken)))
    with pytest.raises(UsageError, match=r"^--config: file .* not found$"):
        cmd_detect(_ns(db=db, config=str(tmp_path / "none.toml")))


def test_cli_speed_ranges_per_zone(sample_db, tmp_path):
    """[[speed_range.watch]]: each zone its own range, through `maritime detect --config`."""
    db = str(copy_db(sample_db, tmp_path))
    ranges = tmp_path / "ranges.toml"
    ranges.write_text(
        '[[speed_range.watch]]\nzones = ["Galápagos Marine Reserve", "Gulf of Panama"]\nmax_kn = 3.0\n\n'
        '[[speed_range.watch]]\nzones = ["*"]\nmin_kn = 8.0\nmax_kn = 14.0\nmin_duration_minutes = 120\n',
        encoding="utf-8",
    )
    assert cmd_detect(_ns(db=db, config=str(ranges))) == 0
    with duckdb.connect(db) as con:
        rows = con.execute(
            "SELECT zone, details->>'range_kn', CAST(details->>'duration_h' AS DOUBLE), "
            "CAST(details->>'max_speed_kn' AS DOUBLE), CAST(details->>'min_speed_kn' AS DOUBLE) "
            "FROM events WHERE kind = 'speed_range'"
        ).fetchall()
    slow = [r for r in rows if r[1] == "[0.0,3.0]"]
    fast = [r for r in rows if r[1] == "[8.0,14.0]"]
    assert slow and fast and len(slow) + len(fast) == len(rows)
    assert {r[0] for r in slow} <= {"Galápagos Marine Reserve", "Gulf of Panama"}
    assert all(r[3] <= 3.0 and r[2] >= 1.0 for r in slow)
    assert all(8.0 <= r[4] and r[3] <= 14.0 and r[2] >= 2.0 for r in fast)


def test_cli_misspelt_zone_in_the_thresholds_is_one_line(sample_db, tmp_path):
    db = str(copy_db(sample_db, tmp_path))
    typo = tmp_path / "typo.toml"
    typo.write_text('[[speed_range.watch]]\nzones = ["Galapagos Marine Reserve"]\n', encoding="utf-8")
    with pytest.raises(
        ConfigError,
        match=r"^.*typo.toml: \[speed_range.watch 1\] names zone 'Galapagos Marine Reserve', "
        r"which the bundled patrol zones do not have \(closest: Galápagos Marine Reserve.*\); fix the name",
    ):
        cmd_detect(_ns(db=db, config=str(typo)))
    with duckdb.connect(db) as con:  # nothing was stored
        assert con.execute("SELECT count(*) FROM detection_settings").fetchall()[0][0] == 0
    # the zones given with it decide: a file whose zone has that name is accepted
    ours = write_zones(tmp_path / "ours.geojson", "Galapagos Marine Reserve")
    assert cmd_detect(_ns(db=db, config=str(typo), zones=str(ours))) == 0
