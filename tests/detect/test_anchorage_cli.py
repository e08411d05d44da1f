"""``maritime anchorages`` (maritime.detect.anchorage_cli): the learned anchorages as a table,
CSV and GeoJSON after ``maritime detect``; errors are one line with exit status 2."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
import pytest

from maritime.cli import main
from maritime.geodesy import haversine_km
from maritime.store.database import Store

#: Open water off Brittany, > 20 km from any listed port (synthetic anchorage).
SPOT = (48.10, -5.60)
T0 = datetime(2025, 3, 1, tzinfo=UTC).timestamp()


def stationary_ships(n: int, hours: float) -> pa.Table:
    """``n`` ships at anchor 300-700 m apart around :data:`SPOT`, one report every 3 min."""
    t = np.arange(T0, T0 + hours * 3600.0, 180.0)
    k = len(t)
    rows: dict[str, list] = {k_: [] for k_ in ("mmsi", "t_us", "lat", "lon", "sog")}
    for i in range(n):
        a = 2 * np.pi * i / n
        r = 0.3 + 0.4 * (i % 2)
        rows["mmsi"] += [227000000 + i] * k
        rows["t_us"] += list((t + i).astype(np.int64) * 1_000_000)
        rows["lat"] += [SPOT[0] + r * np.cos(a) / 111.2] * k
        rows["lon"] += [SPOT[1] + r * np.sin(a) / (111.2 * np.cos(np.radians(SPOT[0])))] * k
        rows["sog"] += [0.1] * k
    m = len(rows["mmsi"])
    return pa.table(
        {
            "mmsi": pa.array(rows["mmsi"], pa.int32()),
            "t_us": pa.array(rows["t_us"], pa.int64()),
            "lat": rows["lat"],
            "lon": rows["lon"],
            "sog": pa.array(rows["sog"], pa.float32()),
            "cog": pa.array([0.0] * m, pa.float32()),
            "msg_type": pa.array([1] * m, pa.int8()),
            "station": pa.array(["rFR-Ouessant"] * m),
            "payload_hash": pa.array(np.arange(m, dtype=np.uint64)),
        }
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    from maritime.scenario.positions import insert_positions

    path = tmp_path_factory.mktemp("anchorages") / "a.duckdb"
    store = Store(path)
    insert_positions(store.con, stationary_ships(6, 14.0))
    store.close()
    assert main(["detect", "--db", str(path)]) == 0
    return str(path)


def test_table_lists_the_learned_anchorage(db, capsys) -> None:
    capsys.readouterr()
    assert main(["anchorages", "--db", db]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:3] == ["anchorage", "lat", "lon"]
    assert len(out) == 2 and out[1].startswith("anc-")
    assert out[1].split()[4] == "6"  # vessels


def test_csv_and_geojson_carry_the_evidence(db, capsys) -> None:
    capsys.readouterr()
    assert main(["anchorages", "--db", db, "--format", "csv"]) == 0
    (row,) = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert int(row["vessels"]) == 6 and int(row["cells"]) >= 2
    assert haversine_km(float(row["lat"]), float(row["lon"]), *SPOT) < 0.5
    assert float(row["hours"]) == pytest.approx(6 * 14.0, rel=0.02)
    assert row["first_seen"] == "2025-03-01T00:00:00Z" and float(row["port_km"]) > 20.0
    assert main(["anchorages", "--db", db, "--format", "geojson"]) == 0
    doc = json.loads(capsys.readouterr().out)
    (feat,) = doc["features"]
    assert feat["id"] == row["anchorage_id"] and feat["properties"]["vessels"] == 6
    lon, lat = feat["geometry"]["coordinates"]
    assert haversine_km(lat, lon, *SPOT) < 0.5


def test_their_loitering_is_suppressed(db) -> None:
    import duckdb

    con = duckdb.connect(db, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM events WHERE kind = 'loitering'").fetchall() == [(0,)]
    finally:
        con.close()


def test_errors_are_one_line(tmp_path, capsys) -> None:
    assert main(["anchorages", "--db", str(tmp_path / "none.duckdb")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("maritime: error: database") and err.count("\n") == 1
    Store(tmp_path / "old.duckdb").close()  # a database detect never ran on is still listed: none yet
    assert main(["anchorages", "--db", str(tmp_path / "old.duckdb")]) == 0
    assert "no anchorages learned" in capsys.readouterr().out
