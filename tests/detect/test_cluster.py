"""The Dask engine gives exactly the single-machine events (issue 5's equality test).

A seeded scenario (120 vessels, 30 h across a UTC midnight, with its injected loitering,
dark periods, rendezvous, shared MMSI and labelled fishing of each gear, with the vessels'
declared ship types) plus a meeting placed on purpose where every
partition boundary cuts it: the two vessels sit on either side of 85°W (a cell edge for
1° and 5° cells) while drifting north across 5°S (another edge) from 22:00 to 02:30 UTC
(a day partition and every time window). Positions go to DuckDB on disk, are archived to
Parquet, and detected by both engines: the single-machine run over DuckDB, and a real
``dask.distributed.LocalCluster`` over the archive, cut into small vessel partitions (the
two vessels of a meeting land in different ones), 1° cells and 1-hour windows.

Identity reports (issue 13's identity cases, and the watch-listed recording of a hull that
comes back under a new MMSI and flag, through the real ingest) make ``identity_history`` in
the database; the Dask engine rebuilds it from the archived identity reports, and both give
the same ``identity_change`` and claimed type and size changes (``position_anomaly``).
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from datetime import UTC, datetime

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from maritime.archive.export import mirror_database
from maritime.archive.layout import open_archive
from maritime.detect.anchorage_store import stored_points
from maritime.detect.cluster import detect_on_cluster
from maritime.detect.config import SpeedRangeConfig, SpeedRangeWatch, ZoneEntryConfig, load_config
from maritime.detect.events import RENDEZVOUS
from maritime.detect.planning import norm_row
from maritime.detect.runner import run_detection
from maritime.ingest.options import IngestOptions
from maritime.ingest.recordings import ingest_paths
from maritime.scenario import ScenarioConfig, build_scenario
from maritime.scenario.positions import insert_positions, position_tables
from maritime.scenario.watchlisted import watchlisted_recording
from maritime.store.database import Store
from tests.detect.kinds_cases import kinds_identity_reports, kinds_positions, store_identity_reports

START = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
MIDNIGHT = datetime(2025, 1, 16, tzinfo=UTC).timestamp()
EDGE_PAIR = (725000001, 760000002)
#: The watch-listed recording (a hull changing MMSI and flag after 2 h dark) starts here.
WATCH_START = datetime(2025, 1, 15, 20, 0, tzinfo=UTC)
#: Speed ranges watched in every zone (the section's own and a [[speed_range.watch]] of its
#: own range), so that the comparison covers them too.
CFG = dataclasses.replace(
    load_config(),
    speed_range=SpeedRangeConfig(zones=("*",), watch=(SpeedRangeWatch(("*",), 8.0, 14.0, 30.0, 0.0, 60.0),)),
    zone_entry=ZoneEntryConfig(zones=("*",)),
)
EVENT_COLUMNS = "event_id, kind, mmsi, other_mmsi, start_time, end_time, lat, lon, zone, confidence, details"


def edge_pair() -> pa.Table:
    """Two vessels drifting north at ~0.5 kn, 250 m apart across 85°W, over 5°S, 22:00-02:30."""
    t = np.arange(MIDNIGHT - 2 * 3600, MIDNIGHT + 2.5 * 3600, 120.0)
    n = len(t)
    lat = -5.02 + 0.04 * (t - t[0]) / (t[-1] - t[0])
    rows = {
        "mmsi": np.r_[np.full(n, EDGE_PAIR[0]), np.full(n, EDGE_PAIR[1])].astype(np.int32),
        "t_us": np.r_[t, t + 7].astype(np.int64) * 1_000_000,
        "lat": np.r_[lat, lat + 0.0005],
        "lon": np.r_[np.full(n, -85.0012), np.full(n, -84.9991)],
        "sog": np.full(2 * n, 0.5, dtype=np.float32),
        "cog": np.zeros(2 * n, dtype=np.float32),
        "msg_type": np.full(2 * n, 1, dtype=np.int8),
        "station": pa.array(["SAT-EDGE"] * (2 * n)),
        "payload_hash": np.arange(10**12, 10**12 + 2 * n, dtype=np.uint64),
    }
    return pa.table(rows)


@pytest.fixture(scope="module")
def client():
    from dask.distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def both_engines(tmp_path_factory, client):
    d = tmp_path_factory.mktemp("cluster")
    db = d / "single.duckdb"
    store = Store(db)
    sc = build_scenario(ScenarioConfig(seed=5, start=START, hours=30, n_vessels=120, fishing=True))
    n = sum(insert_positions(store.con, tb) for tb in position_tables(sc))
    n += insert_positions(store.con, edge_pair())
    # issue 13's kinds: spoofed tracks (teleports, on land, shared positions, invalid MMSIs)
    # and speed ranges watched in every zone
    n += insert_positions(store.con, kinds_positions(MIDNIGHT - 6 * 3600))
    # identity changes and claimed type/size changes: the kinds scenario's identity reports
    # (stored as ingest stores them, building identity_history), and the watch-listed
    # recording through the real ingest (a hull's IMO number back under a new MMSI and flag)
    store_identity_reports(store, kinds_identity_reports(MIDNIGHT - 6 * 3600))
    watch = d / "watchlisted.nmea"
    watch.write_text("\n".join(watchlisted_recording(start=WATCH_START).lines) + "\n")
    n += ingest_paths(store, [str(watch)], IngestOptions(progress=False)).counts["positions_stored"]
    # declared ship types (fishing candidates), archived with the vessels table for the Dask engine
    types = sorted({(v.mmsi, v.ship_type) for v in sc.vessels})
    store.con.executemany("INSERT OR REPLACE INTO vessels (mmsi, ship_type) VALUES (?, ?)", types)
    arch = open_archive(str(d / "archive"))
    mirror_database(store.con, arch, cell_deg=5.0)
    run_detection(store.con, config=CFG)
    single = store.con.execute(f"SELECT {EVENT_COLUMNS} FROM events").fetchall()
    learned = stored_points(store.con, load_config())  # the anchorages the run learned
    store.close()
    small = detect_on_cluster(
        client, arch, config=CFG, rows_per_partition=8_000, cell_deg=1.0, window_hours=1.0, anchorages=learned
    )
    large = detect_on_cluster(
        client, arch, config=CFG, rows_per_partition=10**7, cell_deg=5.0, window_hours=24.0, anchorages=learned
    )
    archived = duckdb.sql(
        f"SELECT {EVENT_COLUMNS} FROM read_parquet(?)", params=[arch.uri("events", "part-detect.parquet")]
    ).fetchall()
    return {
        "learned": learned,
        "positions": n,
        "single": single,
        "small": small,
        "large": large,
        "archived": archived,
        "arch": arch,
    }


def norm(rows) -> list[tuple]:
    return sorted(norm_row(r) for r in rows)


def test_cluster_events_identical_to_single_machine(both_engines):
    single = norm(both_engines["single"])
    assert len(single) >= 10
    assert norm(e.row() for e in both_engines["small"].events) == single
    assert norm(e.row() for e in both_engines["large"].events) == single


def test_events_cover_every_kind_and_the_boundary_meeting(both_engines):
    kinds = {r[1] for r in both_engines["single"]}
    assert {"loitering", "dark_period", "rendezvous", "identity_conflict", "fishing"} <= kinds
    assert {"zone_entry", "speed_range", "position_anomaly", "identity_change"} <= kinds
    ranges = {tuple(json.loads(r[10])["range_kn"]) for r in both_engines["single"] if r[1] == "speed_range"}
    assert ranges == {(0.0, 4.0), (8.0, 14.0)}  # the section's range and the watch's
    reasons = {json.loads(r[10])["reason"] for r in both_engines["single"] if r[1] == "position_anomaly"}
    assert {"teleport", "on_land", "shared_position", "invalid_mmsi", "dimensions_changed", "type_changed"} <= reasons
    edge = [r for r in both_engines["single"] if r[1] == RENDEZVOUS and (r[2], r[3]) == EDGE_PAIR]
    assert len(edge) == 1, "the meeting across 85°W / 5°S / midnight is one event"
    start, end = edge[0][4].timestamp(), edge[0][5].timestamp()
    assert start < MIDNIGHT < end and end - start >= 4 * 3600


def _identity_rows(rows) -> list[tuple]:
    """The events made from the identity history: identity changes, claimed type/size changes."""
    static = ("dimensions_changed", "type_changed")
    return norm(
        r
        for r in rows
        if r[1] == "identity_change" or (r[1] == "position_anomaly" and json.loads(r[10])["reason"] in static)
    )


def test_identity_changes_identical_to_single_machine(both_engines):
    single = _identity_rows(both_engines["single"])
    details = [(r[1], r[2], json.loads(r[10])) for r in single]
    renamed = watchlisted_recording(start=WATCH_START).renamed.mmsi
    flags = [(m, d["previous_mmsi"]) for k, m, d in details if k == "identity_change" and d["field"] == "flag"]
    assert renamed in {m for m, _ in flags}, "the watch-listed hull's new MMSI and flag"
    assert len(flags) >= 2  # and the kinds scenario's flag change at sea
    assert {d["field"] for k, _, d in details if k == "identity_change"} >= {"name", "callsign", "flag"}
    assert {d["reason"] for k, _, d in details if k == "position_anomaly"} == {"dimensions_changed", "type_changed"}
    for run in ("small", "large"):
        assert _identity_rows(e.row() for e in both_engines[run].events) == single, run


def test_small_partitions_really_cut_through_the_data(both_engines):
    small = both_engines["small"]
    assert small.positions == both_engines["positions"]
    assert small.vessel_partitions >= 5
    assert small.pair_groups >= 1
    assert small.halo_pairs > 0, "some close pairs were only found through a neighbouring cell's halo"
    assert both_engines["large"].halo_pairs > 0  # 85°W is an edge of 5° cells too


def test_events_written_back_to_the_archive(both_engines):
    assert norm(both_engines["archived"]) == norm(both_engines["single"])


def test_positions_archived_twice_count_once(both_engines, client, tmp_path):
    """Two origins holding the same transmissions (two copies of one database) do not
    double the reports the detectors see."""
    import shutil

    src = both_engines["arch"]
    dest = tmp_path / "twice"
    shutil.copytree(src.path("positions"), dest / "positions")
    shutil.copytree(src.path("vessels"), dest / "vessels")  # the declared ship types (fishing candidates)
    shutil.copytree(src.path("identity_reports"), dest / "identity_reports")  # the identity history
    for f in [f for t in ("positions", "vessels", "identity_reports") for f in (dest / t).rglob("*.parquet")]:
        shutil.copy(f, f.with_name(f.name.replace("part-db-", "part-db-copy-")))
    twice = detect_on_cluster(client, open_archive(str(dest)), config=CFG, rows_per_partition=20_000)
    assert twice.positions == 2 * both_engines["positions"]
    assert norm(e.row() for e in twice.events) == norm(both_engines["single"])


def _cli(*args: str, timeout: float = 300):
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "maritime.cli", *args], capture_output=True, text=True, timeout=timeout
    )


def test_cli_detect_on_a_local_cluster_loads_the_dashboard_database(tmp_path):
    from maritime.demo import sample_path

    db = tmp_path / "sample.duckdb"
    assert _cli("ingest", "--no-progress", "--db", str(db), str(sample_path())).returncode == 0
    assert _cli("archive", "--db", str(db), str(tmp_path / "arch")).returncode == 0
    # the dashboard's database holds the positions too: the Dask run learns its anchorages there
    shutil.copy(db, tmp_path / "dashboard.duckdb")
    out = _cli(
        "detect",
        "--engine",
        "dask",
        "--archive",
        str(tmp_path / "arch"),
        "--workers",
        "1",
        "--db",
        str(tmp_path / "dashboard.duckdb"),
    )
    assert out.returncode == 0, out.stderr
    assert "events loaded into" in out.stdout
    assert "Traceback" not in out.stderr
    con = duckdb.connect(str(tmp_path / "dashboard.duckdb"), read_only=True)
    loaded = con.execute(f"SELECT {EVENT_COLUMNS} FROM events").fetchall()
    con.close()
    assert _cli("detect", "--db", str(db)).returncode == 0
    con = duckdb.connect(str(db), read_only=True)
    single = con.execute(f"SELECT {EVENT_COLUMNS} FROM events").fetchall()
    con.close()
    assert loaded and norm(loaded) == norm(single)


def test_cli_cluster_errors_are_one_line(tmp_path):
    out = _cli("detect", "--engine", "dask")
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "--archive" in out.stderr
    out = _cli("detect", "--engine", "dask", "--archive", str(tmp_path / "empty"), "--workers", "1")
    assert out.returncode == 2 and out.stderr.strip().splitlines()[-1].startswith("maritime: error: no positions")
    assert "Traceback" not in out.stderr
    out = _cli("detect", "--engine", "dask", "--archive", str(tmp_path / "empty"), "--scheduler", "tcp://127.0.0.1:9")
    assert out.returncode == 2 and "cannot reach the Dask scheduler" in out.stderr and "Traceback" not in out.stderr


def test_cli_cluster_with_db_uses_the_stored_zones(tmp_path):
    import json

    from maritime.demo import sample_path

    db = tmp_path / "sample.duckdb"
    assert _cli("ingest", "--no-progress", "--db", str(db), str(sample_path())).returncode == 0
    assert _cli("archive", "--db", str(db), str(tmp_path / "arch")).returncode == 0
    ours = tmp_path / "ours.geojson"
    square = [[[-179, -60], [-60, -60], [-60, 60], [-179, 60], [-179, -60]]]
    feature = {
        "type": "Feature",
        "properties": {"name": "Ours"},
        "geometry": {"type": "Polygon", "coordinates": square},
    }
    ours.write_text(json.dumps(feature))
    out = _cli("detect", "--db", str(db), "--zones", str(ours))
    assert out.returncode == 0, out.stderr
    ours.unlink()
    out = _cli("detect", "--engine", "dask", "--archive", str(tmp_path / "arch"), "--workers", "1", "--db", str(db))
    assert out.returncode == 0, out.stderr
    assert f"zones: {ours} (stored in the database" in out.stdout
    con = duckdb.connect(str(db), read_only=True)
    zones = {r[0] for r in con.execute("SELECT name FROM zones").fetchall()}
    events = {r[0] for r in con.execute("SELECT DISTINCT zone FROM events").fetchall()}
    con.close()
    assert zones == {"Ours"} and events == {"Ours"}
    archived = duckdb.sql(
        "SELECT DISTINCT zone FROM read_parquet(?)", params=[str(tmp_path / "arch" / "events" / "part-detect.parquet")]
    ).fetchall()
    assert archived == [("Ours",)]
