"""The analytics commands through ``maritime.cli.main``: output, one-line errors (exit 2)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from maritime.cli import main


@pytest.fixture
def db(months_db, tmp_path: Path) -> Path:
    path, _ = months_db
    dst = tmp_path / "m.duckdb"
    shutil.copy(path, dst)
    return dst


def test_risk_hotspots_outcome_brief(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["risk", "--db", str(db), "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert "vessels recomputed" in out and len(out.strip().splitlines()) == 5
    assert main(["risk", "--db", str(db), "--top", "2", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 2 and rows[0]["factors"][0]["refs"]
    gj = tmp_path / "f.geojson"
    assert main(["hotspots", "--db", str(db), "--horizon", "24h", "--geojson", str(gj)]) == 0
    doc = json.loads(gj.read_text())
    assert doc["features"] and doc["properties"]["horizon"] == "24h"
    import duckdb

    eid = duckdb.connect(str(db)).execute("SELECT event_id FROM events LIMIT 1").fetchall()[0][0]
    args = ["outcome", eid, "--db", str(db), "--result", "seized", "--unit", "BAP Guise", "--report", "2 t squid"]
    assert main(args) == 0
    assert "recorded: seized" in capsys.readouterr().out
    out_html = tmp_path / "b.html"
    assert main(["brief", "--db", str(db), "--since", "7d", "--out", str(out_html)]) == 0
    assert out_html.stat().st_size > 10_000


def test_errors_are_one_line(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["outcome", "no-such", "--db", str(db), "--result", "seized", "--unit", "U"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("maritime: error: no event or alert") and err.count("\n") == 1
    with pytest.raises(SystemExit) as e:
        main(["brief", "--db", str(db), "--since", "soon", "--out", "x.html"])
    assert e.value.code == 2
    assert main(["risk", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_detect_updates_risk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``maritime detect`` on the bundled sample scores the vessels of the events it wrote."""
    import duckdb

    from maritime.demo import sample_path

    db = tmp_path / "d.duckdb"
    assert main(["ingest", str(sample_path()), "--db", str(db), "--no-progress"]) == 0
    assert main(["detect", "--db", str(db)]) == 0
    assert "vessels recomputed" in capsys.readouterr().out
    con = duckdb.connect(str(db))
    scored = con.execute("SELECT count(*) FROM vessel_risk_latest WHERE score > 0").fetchall()[0][0]
    with_events = con.execute("SELECT count(DISTINCT mmsi) FROM events").fetchall()[0][0]
    assert scored >= with_events > 0
    assert main(["detect", "--db", str(db)]) == 0  # nothing new: nothing rescored
    assert "0 scores changed" in capsys.readouterr().out
