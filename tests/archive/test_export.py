"""``maritime archive``: a DuckDB database mirrored into Hive-partitioned Parquet, incrementally.

Every test reads the archive back with the readers analysts use (DuckDB ``read_parquet`` with
Hive partitioning, pandas, pyarrow datasets) and compares with the database it came from.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.dataset as ds
import pytest

from maritime.archive import export
from maritime.archive.export import ArchiveSummary, database_origin, mirror_database
from maritime.archive.layout import ArchiveError, cell_name, open_archive
from maritime.store.database import Store
from tests.archive.conftest import (
    DAY_S,
    SAMPLE_DAY,
    SAMPLE_IDENTITIES,
    SAMPLE_POSITIONS,
    archive_count,
    archive_day_counts,
    assert_same_rows,
    cli,
    columns_of,
    db_count,
    db_day_counts,
    db_query,
    glob_of,
    ingest_into,
    leftovers,
    parquet_files,
)
from tests.conftest import REPO

DAY1, DAY2 = "2025-01-15", "2025-01-16"


def mirror(db: Path, dest: Path, cell_deg: float | None = None) -> ArchiveSummary:
    """``maritime archive --db DB [--cell-deg] DEST`` in this process, returning its summary."""
    store = Store(db, read_only=True)
    try:
        return mirror_database(store.con, open_archive(str(dest)), cell_deg)
    finally:
        store.close()


def origin_of(db: Path) -> str:
    store = Store(db, read_only=True)
    try:
        return database_origin(store.con)
    finally:
        store.close()


def two_day_db(tmp_path: Path, nmea) -> Path:
    """A database of two files: 2025-01-15 00:00-00:31 and the same traffic a day later."""
    db = tmp_path / "two.duckdb"
    ingest_into(db, nmea("d1.nmea", 0, 3000), nmea("d2.nmea", 0, 3000, DAY_S))
    return db


# -- 1. a full mirror ----------------------------------------------------------------------------


def test_mirror_of_the_sample_holds_every_row_and_value(sample_db_master: Path, tmp_path: Path, capsys) -> None:
    dest = tmp_path / "arch"
    assert cli("archive", "--db", str(sample_db_master), str(dest)) == 0
    out = capsys.readouterr().out
    assert f"archive {dest}:" in out and f"{SAMPLE_POSITIONS:,} rows written (1 days)" in out

    origin = origin_of(sample_db_master)
    assert set(parquet_files(dest)) == {
        f"positions/day={SAMPLE_DAY}/part-{origin}.parquet",
        f"identity_reports/day={SAMPLE_DAY}/part-{origin}.parquet",
        f"vessels/part-{origin}.parquet",
        f"events/part-{origin}.parquet",
    }
    assert leftovers(dest) == []

    # counts, with DuckDB and Hive partitioning, exactly as in the README
    n = duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{dest}/positions/**/*.parquet', hive_partitioning=true)"
    ).fetchall()[0][0]
    assert n == db_count(sample_db_master, "positions") == SAMPLE_POSITIONS
    assert archive_count(dest, "identity_reports") == SAMPLE_IDENTITIES
    assert db_count(sample_db_master, "identity_reports") == SAMPLE_IDENTITIES
    assert archive_count(dest, "vessels") == db_count(sample_db_master, "vessels") > 0

    # the same columns, the same types, then `day` (a DATE, the UTC day)
    want = db_query(sample_db_master, "SELECT column_name, column_type FROM (DESCRIBE positions)")
    got = duckdb.sql(
        f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet("
        f"'{glob_of(dest)}', hive_partitioning=true))"
    ).fetchall()
    assert got == want + [("day", "DATE")]
    assert duckdb.sql(
        f"SELECT DISTINCT day FROM read_parquet('{glob_of(dest)}', hive_partitioning=true)"
    ).fetchall() == [(date(2025, 1, 15),)]

    # every value
    for table in ("positions", "identity_reports", "vessels"):
        assert_same_rows(sample_db_master, dest, table)

    # pandas (pyarrow datasets) reads the folder too
    df = pd.read_parquet(dest / "positions")
    assert len(df) == SAMPLE_POSITIONS
    assert list(df.columns) == columns_of(sample_db_master, "positions") + ["day"]
    assert set(df["day"].astype(str)) == {SAMPLE_DAY}
    assert str(df["ts"].dt.tz) == "UTC"
    assert len(pd.read_parquet(dest / "identity_reports")) == SAMPLE_IDENTITIES


def test_files_are_sorted_by_vessel_then_time(sample_db_master: Path, tmp_path: Path) -> None:
    dest = tmp_path / "arch"
    mirror(sample_db_master, dest)
    df = pd.read_parquet(next((dest / "positions").rglob("*.parquet")), columns=["mmsi", "ts"])
    assert df.equals(df.sort_values(["mmsi", "ts"], kind="stable").reset_index(drop=True))


def test_timestamps_are_utc_whatever_the_local_time_zone(tmp_path: Path, nmea) -> None:
    """A recording that spans midnight UTC, archived on a machine in Bogotá (UTC-5)."""
    db = tmp_path / "midnight.duckdb"
    ingest_into(db, nmea("mid.nmea", 0, 3000, -900))  # 2025-01-14 23:45Z .. 2025-01-15 00:16Z
    dest = tmp_path / "arch"
    env = {**os.environ, "TZ": "America/Bogota"}
    env.pop("MARITIME_DEBUG", None)
    r = subprocess.run(
        [sys.executable, "-m", "maritime.cli", "archive", "--db", str(db), str(dest)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert archive_day_counts(dest) == db_day_counts(db) and set(db_day_counts(db)) == {"2025-01-14", DAY1}
    assert archive_day_counts(dest, "identity_reports") == db_day_counts(db, "identity_reports")
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    bad = con.sql(
        f"SELECT count(*) FROM read_parquet('{glob_of(dest)}', hive_partitioning=true) "
        "WHERE (ts AT TIME ZONE 'UTC')::DATE <> day"
    ).fetchall()[0][0]
    con.close()
    assert bad == 0
    assert_same_rows(db, dest)


# -- 2. incremental ------------------------------------------------------------------------------


def test_second_run_writes_nothing(sample_db_master: Path, tmp_path: Path, capsys) -> None:
    dest = tmp_path / "arch"
    first = mirror(sample_db_master, dest)
    assert first.files == 4 and first.rows["positions"] == SAMPLE_POSITIONS
    before = parquet_files(dest)
    state_before = sorted((p.name, p.read_bytes()) for p in (dest / "_maritime").iterdir())

    assert cli("archive", "--db", str(sample_db_master), str(dest)) == 0
    assert "0 files written; 2 days unchanged" in capsys.readouterr().out
    again = mirror(sample_db_master, dest)
    assert again.files == 0 and again.rows == {} and again.days_unchanged == 2
    assert parquet_files(dest) == before  # same inodes, sizes and mtimes
    assert sorted((p.name, p.read_bytes()) for p in (dest / "_maritime").iterdir()) == state_before
    assert archive_count(dest) == SAMPLE_POSITIONS


def test_a_new_day_writes_only_that_day_and_the_changed_tables(tmp_path: Path, nmea) -> None:
    db = tmp_path / "db.duckdb"
    ingest_into(db, nmea("d1.nmea", 0, 3000))
    dest = tmp_path / "arch"
    mirror(db, dest)
    before = parquet_files(dest)
    origin = origin_of(db)
    assert set(archive_day_counts(dest)) == {DAY1}

    ingest_into(db, nmea("d2.nmea", 0, 3000, DAY_S))
    summary = mirror(db, dest)
    assert summary.days_written == {"positions": 1, "identity_reports": 1}
    assert summary.days_unchanged == 2
    assert summary.files == 3  # two day files and the vessels
    assert set(summary.rows) == {"positions", "identity_reports", "vessels"}
    assert summary.rows["positions"] == db_day_counts(db)[DAY2]

    after = parquet_files(dest)
    new = {k for k in after if k not in before}
    assert new == {f"positions/day={DAY2}/part-{origin}.parquet", f"identity_reports/day={DAY2}/part-{origin}.parquet"}
    for k in (
        f"positions/day={DAY1}/part-{origin}.parquet",
        f"identity_reports/day={DAY1}/part-{origin}.parquet",
        f"events/part-{origin}.parquet",
    ):
        assert after[k] == before[k], f"{k} was rewritten"
    assert after[f"vessels/part-{origin}.parquet"] != before[f"vessels/part-{origin}.parquet"]

    assert archive_day_counts(dest) == db_day_counts(db)
    for table in ("positions", "identity_reports", "vessels"):
        assert_same_rows(db, dest, table)
    assert leftovers(dest) == []


def test_a_day_with_more_rows_is_rewritten_under_the_same_name(tmp_path: Path, nmea) -> None:
    db = two_day_db(tmp_path, nmea)
    dest = tmp_path / "arch"
    mirror(db, dest)
    before = parquet_files(dest)
    day2_before = db_day_counts(db)[DAY2]

    ingest_into(db, nmea("d2b.nmea", 3000, 6000, DAY_S))  # later on 2025-01-16
    assert db_day_counts(db)[DAY2] > day2_before
    summary = mirror(db, dest)
    assert summary.days_written == {"positions": 1, "identity_reports": 1}
    after = parquet_files(dest)
    assert set(after) == set(before)  # same names, no new file
    origin = origin_of(db)
    assert after[f"positions/day={DAY1}/part-{origin}.parquet"] == before[f"positions/day={DAY1}/part-{origin}.parquet"]
    assert archive_day_counts(dest) == db_day_counts(db)
    assert archive_count(dest) == db_count(db)
    dupes = duckdb.sql(
        f"SELECT count(*) - count(DISTINCT (mmsi, ts, payload_hash, station)) FROM read_parquet("
        f"'{glob_of(dest)}', hive_partitioning=true)"
    ).fetchall()[0][0]
    assert dupes == 0
    assert_same_rows(db, dest)
    assert_same_rows(db, dest, "identity_reports")


def test_a_day_whose_rows_changed_but_not_their_number_is_rewritten(tmp_path: Path, nmea) -> None:
    """A transmission heard again by another station updates n_stations in place."""
    db = two_day_db(tmp_path, nmea)
    dest = tmp_path / "arch"
    mirror(db, dest)
    con = duckdb.connect(str(db))
    con.execute(
        "UPDATE positions SET n_stations = n_stations + 1 "
        "WHERE mmsi = (SELECT min(mmsi) FROM positions) AND ts < '2025-01-16'::TIMESTAMPTZ"
    )
    con.close()
    summary = mirror(db, dest)
    assert summary.days_written == {"positions": 1} and summary.files == 1
    assert_same_rows(db, dest)


def test_changed_events_rewrite_only_the_events(tmp_path: Path, nmea) -> None:
    db = two_day_db(tmp_path, nmea)
    dest = tmp_path / "arch"
    mirror(db, dest)
    assert archive_count(dest, "events") == 0
    con = duckdb.connect(str(db))
    con.execute(
        "INSERT INTO events (event_id, kind, mmsi, start_time, lat, lon, confidence, details) VALUES "
        "('e1', 'loitering', 123456789, '2025-01-15 00:10:00+00', -2.5, -81.0, 0.9, '{\"a\": 1}')"
    )
    con.close()
    before = parquet_files(dest)
    summary = mirror(db, dest)
    assert summary.files == 1 and summary.rows == {"events": 1} and summary.days_written == {}
    after = parquet_files(dest)
    assert [k for k in after if after[k] != before.get(k)] == [f"events/part-{origin_of(db)}.parquet"]
    assert_same_rows(db, dest, "events")


def test_a_copied_database_keeps_its_name_and_its_progress(tmp_path: Path, nmea) -> None:
    db = two_day_db(tmp_path, nmea)
    dest = tmp_path / "arch"
    mirror(db, dest)
    before = parquet_files(dest)
    moved = tmp_path / "elsewhere" / "renamed.duckdb"
    moved.parent.mkdir()
    db.rename(moved)
    assert mirror(moved, dest).files == 0
    assert parquet_files(dest) == before


def test_two_databases_share_an_archive_side_by_side(tmp_path: Path, nmea) -> None:
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    ingest_into(a, nmea("a.nmea", 0, 3000))
    ingest_into(b, nmea("b.nmea", 0, 3000, DAY_S))
    assert origin_of(a) != origin_of(b)
    dest = tmp_path / "arch"
    mirror(a, dest)
    mirror(b, dest)
    assert archive_count(dest) == db_count(a) + db_count(b)
    assert mirror(a, dest).files == 0 and mirror(b, dest).files == 0


def test_a_run_that_dies_half_way_is_completed_by_the_next(tmp_path: Path, nmea, monkeypatch) -> None:
    """Bookkeeping follows the files: a killed run is repeated, never half counted."""
    db = two_day_db(tmp_path, nmea)
    dest = tmp_path / "arch"
    real = export.write_parquet
    calls = []

    def dies_on_second_file(*args, **kwargs):
        calls.append(args[1])
        if len(calls) == 2:
            batches = args[2]
            next(iter(batches))
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(export, "write_parquet", dies_on_second_file)
    with pytest.raises(KeyboardInterrupt):
        mirror(db, dest)
    monkeypatch.setattr(export, "write_parquet", real)
    assert archive_day_counts(dest) == {DAY1: db_day_counts(db)[DAY1]}

    summary = mirror(db, dest)
    assert summary.days_written == {"positions": 1, "identity_reports": 2}
    assert archive_day_counts(dest) == db_day_counts(db)
    for table in ("positions", "identity_reports", "vessels", "events"):
        assert_same_rows(db, dest, table)
    assert leftovers(dest) == []
    assert mirror(db, dest).files == 0


# -- 4. coarse cells -----------------------------------------------------------------------------


@pytest.mark.parametrize("deg", [5.0, 1.0])
def test_cells_partition_positions_and_keep_every_row(sample_db_master: Path, tmp_path: Path, deg: float) -> None:
    dest = tmp_path / "arch"
    summary = mirror(sample_db_master, dest, deg)
    files = parquet_files(dest)
    pos = [k for k in files if k.startswith("positions/")]
    assert all(
        k.count("/") == 3 and k.split("/")[1] == f"day={SAMPLE_DAY}" and k.split("/")[2].startswith("cell=")
        for k in pos
    )
    # identity reports are partitioned by day only
    assert [k for k in files if k.startswith("identity_reports/")] == [
        f"identity_reports/day={SAMPLE_DAY}/part-{origin_of(sample_db_master)}.parquet"
    ]
    assert summary.files == len(pos) + 3

    df = pd.read_parquet(dest / "positions")
    assert len(df) == SAMPLE_POSITIONS == archive_count(dest)
    expected = {cell_name(la, lo, deg) for la, lo in db_query(sample_db_master, "SELECT lat, lon FROM positions")}
    assert {k.split("/")[2][5:] for k in pos} == expected
    wrong = [
        (la, lo, c) for la, lo, c in zip(df["lat"], df["lon"], df["cell"].astype(str)) if cell_name(la, lo, deg) != c
    ]
    assert wrong == []
    assert_same_rows(sample_db_master, dest)
    assert mirror(sample_db_master, dest, deg).files == 0


def test_cells_of_known_points(tmp_path: Path) -> None:
    """Rows placed at known spots land in the cell named after its south-west corner."""
    db = tmp_path / "known.duckdb"
    Store(db).close()
    con = duckdb.connect(str(db))
    con.execute("INSERT INTO ingest_runs (source, kind, started_at, status) VALUES ('t', 'file', now(), 'complete')")
    points = {  # (lat, lon): cell at 5 degrees
        (-2.19, -80.95): "S05W085",  # Salinas, Ecuador
        (-12.05, -77.15): "S15W080",  # Callao
        (8.95, -79.55): "N05W080",  # Balboa
        (0.5, -91.0): "N00W095",  # Galápagos
        (-33.03, -71.63): "S35W075",  # Valparaíso
    }
    for k, (la, lo) in enumerate(points):
        con.execute(
            "INSERT INTO positions (mmsi, ts, lat, lon, msg_type, n_stations, payload_hash, run_id) "
            "VALUES (?, '2025-01-15 12:00:00+00'::TIMESTAMPTZ + to_seconds(?), ?, ?, 1, 1, ?, 1)",
            [100000000 + k, k, la, lo, k],
        )
    con.close()
    dest = tmp_path / "arch"
    mirror(db, dest, 5)
    got = duckdb.sql(f"SELECT lat, lon, cell FROM read_parquet('{glob_of(dest)}', hive_partitioning=true)").fetchall()
    assert {(la, lo): c for la, lo, c in got} == points


def test_a_different_cell_size_on_the_same_archive_is_refused(sample_db_master: Path, tmp_path: Path) -> None:
    dest = tmp_path / "arch"
    mirror(sample_db_master, dest, 5.0)
    before = parquet_files(dest)
    with pytest.raises(ArchiveError, match=r"partitioned by day and 5° cell: run again with --cell-deg 5$"):
        mirror(sample_db_master, dest, 1.0)
    with pytest.raises(ArchiveError, match=r"run again with --cell-deg 5$"):
        mirror(sample_db_master, dest, None)
    assert parquet_files(dest) == before

    plain = tmp_path / "plain"
    mirror(sample_db_master, plain)
    with pytest.raises(ArchiveError, match=r"partitioned by day only: run again with no --cell-deg$"):
        mirror(sample_db_master, plain, 5.0)


# -- pyarrow datasets (Spark, Trino and friends read the same way) --------------------------------


def test_pyarrow_dataset_with_hive_partitioning(tmp_path: Path, nmea) -> None:
    db = two_day_db(tmp_path, nmea)
    dest = tmp_path / "arch"
    mirror(db, dest, 5.0)
    d = ds.dataset(dest / "positions", format="parquet", partitioning="hive")
    assert d.count_rows() == db_count(db)
    assert {"day", "cell"} <= set(d.schema.names)
    t = d.to_table(filter=ds.field("day") == DAY2)
    assert t.num_rows == db_day_counts(db)[DAY2]
