"""The archive on the command line: S3, the cell size an archive keeps, one-line errors.

Errors are checked twice over: in a real process (``run_cli``: exit status 2, one line on
stderr, no traceback) for the cases people meet first, and in this process (``main()``
returns 2 or argparse exits 2) for the rest, which keeps the folder fast.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import duckdb
import pyarrow.dataset as ds
import pytest

from tests.archive.conftest import (
    SAMPLE,
    SAMPLE_DAY,
    SAMPLE_IDENTITIES,
    SAMPLE_POSITIONS,
    archive_count,
    cli,
    db_count,
    glob_of,
    parquet_files,
)
from tests.conftest import run_cli


def one_line_error(code: int, stdout: str, stderr: str, fragments: tuple[str, ...]) -> str:
    assert code == 2, (code, stdout, stderr)
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("maritime: error: "), lines[0]
    for f in fragments:
        assert f in lines[0], (f, lines[0])
    assert stdout == ""
    return lines[0]


def process_error(r: subprocess.CompletedProcess, *fragments: str) -> str:
    """A real ``maritime`` process failed the way users should see: exit 2, one line, no traceback."""
    return one_line_error(r.returncode, r.stdout, r.stderr, fragments)


def inprocess_error(capsys, *args: str, fragments: tuple[str, ...] = ()) -> str:
    """``maritime ARGS`` in this process failed with exit status 2 and one line (no exception escaped)."""
    capsys.readouterr()
    try:
        code = cli(*args)
    except SystemExit as exc:  # argparse
        code = exc.code
    out, err = capsys.readouterr()
    return one_line_error(code, out, err, fragments)


def ok(r: subprocess.CompletedProcess) -> str:
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    return r.stdout


# -- 5. an S3-compatible store -------------------------------------------------------------------


def test_archive_to_s3_and_read_back(sample_db_master: Path, s3) -> None:
    url = s3.url("ais")
    out = ok(run_cli("archive", "--db", str(sample_db_master), url))
    assert f"{SAMPLE_POSITIONS:,} rows written (1 days)" in out
    assert s3.count("positions") == SAMPLE_POSITIONS
    assert s3.count("identity_reports") == SAMPLE_IDENTITIES
    assert s3.count("vessels") == db_count(sample_db_master, "vessels")
    assert {p.split("/", 2)[2].rsplit("/", 1)[0] for p in s3.files()} == {
        f"positions/day={SAMPLE_DAY}",
        f"identity_reports/day={SAMPLE_DAY}",
        "vessels",
        "events",
    }
    t = ds.dataset(f"{s3.bucket}/ais/positions", filesystem=s3.fs, format="parquet", partitioning="hive").to_table(
        columns=["mmsi", "ts", "day"]
    )
    assert t.num_rows == SAMPLE_POSITIONS and set(t.column("day").to_pylist()) == {SAMPLE_DAY}
    assert str(t.schema.field("ts").type) == "timestamp[us, tz=UTC]"

    before = s3.files()
    out = ok(run_cli("archive", "--db", str(sample_db_master), url))
    assert "0 files written; 2 days unchanged" in out
    assert s3.files() == before  # same objects, sizes and modification times
    assert s3.count("positions") == SAMPLE_POSITIONS


def test_archive_to_s3_with_cells(small_db: Path, s3, capsys) -> None:
    assert cli("archive", "--db", str(small_db), "--cell-deg", "5", s3.url("cells")) == 0
    pos = [p for p in s3.files("cells") if "/positions/" in p]
    assert pos and all(p.split("/")[-2].startswith("cell=") for p in pos)
    assert s3.count("positions", "cells") == db_count(small_db)
    inprocess_error(
        capsys, "archive", "--db", str(small_db), s3.url("cells"), fragments=("run again with --cell-deg 5",)
    )


# -- 4. the cell size an archive was started with --------------------------------------------------


def test_a_different_cell_size_is_a_one_line_error(small_db: Path, tmp_path: Path, capsys) -> None:
    dest = tmp_path / "arch"
    assert cli("archive", "--db", str(small_db), "--cell-deg", "5", str(dest)) == 0
    before = parquet_files(dest)
    msg = process_error(run_cli("archive", "--db", str(small_db), "--cell-deg", "10", str(dest)), "--cell-deg 5")
    assert msg.endswith("run again with --cell-deg 5")
    msg = inprocess_error(capsys, "archive", "--db", str(small_db), str(dest))
    assert msg.endswith("run again with --cell-deg 5")
    assert parquet_files(dest) == before

    plain = tmp_path / "plain"
    assert cli("archive", "--db", str(small_db), str(plain)) == 0
    msg = inprocess_error(capsys, "archive", "--db", str(small_db), "--cell-deg", "5", str(plain))
    assert msg.endswith("run again with no --cell-deg")


def test_ingest_archive_keeps_its_cell_size(tmp_path: Path, nmea, capsys) -> None:
    dest = tmp_path / "arch"
    assert cli("ingest", "--no-progress", "--archive", str(dest), "--cell-deg", "5", str(nmea("a.nmea", 0, 3000))) == 0
    before = parquet_files(dest)
    b = nmea("b.nmea", 3000, 6000)
    process_error(run_cli("ingest", "--no-progress", "--archive", str(dest), str(b)), "run again with --cell-deg 5")
    inprocess_error(
        capsys,
        "ingest",
        "--no-progress",
        "--archive",
        str(dest),
        "--cell-deg",
        "1",
        str(b),
        fragments=("run again with --cell-deg 5",),
    )
    assert parquet_files(dest) == before


@pytest.mark.parametrize("order", ["archive-then-ingest", "ingest-then-archive"])
def test_the_cell_size_is_the_archives_not_each_writers(
    small_db: Path, tmp_path: Path, nmea, capsys, order: str
) -> None:
    """``--help``: "an archive keeps the choice it was started with".

    BUG: the choice is kept per writer (``_maritime/mirror-<origin>.json`` for each database,
    ``_maritime/ingest.json`` for ingest --archive), so a second writer with another
    ``--cell-deg`` is accepted and the archive ends with ``positions/day=D/part-*.parquet``
    beside ``positions/day=D/cell=X/part-*.parquet``, which Hive readers refuse (DuckDB:
    'Hive partition mismatch ... key "cell" not found'). The same happens with two databases
    mirrored into one archive with different --cell-deg. Suggested fix: keep the choice once
    per archive (e.g. ``_maritime/layout.json`` written by the first writer, checked by
    ``_check_cells`` in ``mirror_database`` and ``drain_staging`` alike).
    """
    dest = tmp_path / "arch"
    archive = ("archive", "--db", str(small_db), str(dest))
    ingest = ("ingest", "--no-progress", "--archive", str(dest), str(nmea("b.nmea", 3000, 6000)))
    first, second = (
        (archive, (*ingest, "--cell-deg", "5"))
        if order == "archive-then-ingest"
        else ((*ingest, "--cell-deg", "5"), archive)
    )
    assert cli(*first) == 0
    inprocess_error(capsys, *second, fragments=("--cell-deg",))
    # and the archive stays readable by Hive-partitioning readers
    duckdb.sql(f"SELECT count(*) FROM read_parquet('{glob_of(dest)}', hive_partitioning=true)").fetchall()


# -- 7. one-line errors --------------------------------------------------------------------------


def test_archive_of_a_missing_database(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "missing.duckdb"
    dest = tmp_path / "arch"
    process_error(run_cli("archive", "--db", str(missing), str(dest)), f"database {missing} does not exist")
    assert not missing.exists() and not dest.exists()


def test_archive_of_a_missing_database_from_the_environment(tmp_path: Path, capsys, monkeypatch) -> None:
    missing = tmp_path / "missing.duckdb"
    monkeypatch.setenv("MARITIME_DB", str(missing))
    inprocess_error(capsys, "archive", str(tmp_path / "arch"), fragments=(f"database {missing} does not exist",))
    assert not missing.exists()


def test_ingest_archive_with_db(tmp_path: Path) -> None:
    dest, db = tmp_path / "arch", tmp_path / "x.duckdb"
    process_error(
        run_cli("ingest", "--archive", str(dest), "--db", str(db), str(SAMPLE)),
        "give either --db or --archive, not both",
    )
    assert not dest.exists() and not db.exists()


def test_ingest_archive_from_stdin(tmp_path: Path, capsys) -> None:
    inprocess_error(
        capsys,
        "ingest",
        "--archive",
        str(tmp_path / "arch"),
        "-",
        fragments=("--archive takes files and folders, not -",),
    )
    assert not (tmp_path / "arch").exists()


@pytest.mark.parametrize("option", [["--cell-deg", "5"], ["--staging", "s.duckdb"]])
def test_archive_options_without_archive(tmp_path: Path, capsys, option: list[str]) -> None:
    db = tmp_path / "x.duckdb"
    inprocess_error(
        capsys,
        "ingest",
        "--db",
        str(db),
        *option,
        str(SAMPLE),
        fragments=("--cell-deg and --staging go with --archive DEST",),
    )
    assert not db.exists()


def test_cell_deg_7_in_a_process(tmp_path: Path, small_db: Path) -> None:
    dest = tmp_path / "arch"
    msg = process_error(
        run_cli("archive", "--db", str(small_db), "--cell-deg", "7", str(dest)),
        "argument --cell-deg: '7' must divide 180 degrees",
        "(see `maritime archive --help`)",
    )
    assert not dest.exists(), msg


@pytest.mark.parametrize("value", ["7", "0", "-5", "360", "0.7", "abc"])
@pytest.mark.parametrize("command", ["archive", "ingest"])
def test_cell_deg_must_divide_180(tmp_path: Path, small_db: Path, capsys, value: str, command: str) -> None:
    dest = tmp_path / "arch"
    args = (
        ("archive", "--db", str(small_db), f"--cell-deg={value}", str(dest))
        if command == "archive"
        else ("ingest", "--archive", str(dest), f"--cell-deg={value}", str(SAMPLE))
    )
    msg = inprocess_error(capsys, *args, fragments=("--cell-deg", repr(value), f"(see `maritime {command} --help`)"))
    assert ("must divide 180 degrees" in msg) if value != "abc" else ("is not a number of degrees" in msg)
    assert not dest.exists()


@pytest.mark.parametrize("value", ["5", "1", "0.5", "2.5", "0.1", "90"])
def test_cell_deg_that_divide_180_are_accepted(value: str) -> None:
    from maritime.archive.cli import cell_degrees

    assert cell_degrees(value) == float(value)


def test_archive_dest_that_is_a_file(tmp_path: Path, small_db: Path, capsys) -> None:
    dest = tmp_path / "archive.parquet"
    dest.write_bytes(b"PAR1")
    process_error(run_cli("archive", "--db", str(small_db), str(dest)), f"archive {dest} is a file, not a folder")
    inprocess_error(
        capsys,
        "ingest",
        "--no-progress",
        "--archive",
        str(dest),
        str(SAMPLE),
        fragments=(f"archive {dest} is a file, not a folder",),
    )
    assert dest.read_bytes() == b"PAR1"


def test_archive_dest_with_an_unknown_scheme(small_db: Path, capsys) -> None:
    inprocess_error(
        capsys,
        "archive",
        "--db",
        str(small_db),
        "nosuch://bucket/ais",
        fragments=("cannot open archive nosuch://bucket/ais",),
    )


def test_damaged_bookkeeping_is_a_one_line_error(tmp_path: Path, small_db: Path, capsys) -> None:
    dest = tmp_path / "arch"
    assert cli("archive", "--db", str(small_db), str(dest)) == 0
    (state,) = (dest / "_maritime").glob("mirror-*.json")
    state.write_text('{"positions": ')
    inprocess_error(
        capsys,
        "archive",
        "--db",
        str(small_db),
        str(dest),
        fragments=(f"{state.name} is damaged", "remove it to rebuild"),
    )
    state.unlink()  # as the message says: the next run rebuilds the same files
    assert cli("archive", "--db", str(small_db), str(dest)) == 0
    assert archive_count(dest) == db_count(small_db)


def test_a_failed_first_archive_leaves_no_files(tmp_path: Path) -> None:
    bad_db = tmp_path / "not_a_database.duckdb"
    bad_db.write_bytes(b"this is not a DuckDB file" * 100)
    dest = tmp_path / "arch"
    result = run_cli("archive", str(dest), "--db", str(bad_db))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert not dest.exists()
