"""``maritime ingest --archive``: files ingested through a staging database straight into Parquet."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from maritime.archive import export
from maritime.archive.bulk import staging_path
from maritime.archive.export import drain_staging
from maritime.archive.layout import ArchiveError, cell_name, open_archive
from maritime.store.database import Store
from tests.archive.conftest import (
    DAY_S,
    SAMPLE,
    SAMPLE_DAY,
    SAMPLE_IDENTITIES,
    SAMPLE_POSITIONS,
    archive_count,
    archive_day_counts,
    assert_same_rows,
    cli,
    db_count,
    db_day_counts,
    db_query,
    glob_of,
    ingest_into,
    leftovers,
    parquet_files,
)


def staged_counts(staging: Path) -> tuple[int, int]:
    return db_count(staging, "positions"), db_count(staging, "identity_reports")


def data_files(dest: Path) -> dict:
    """The archive's position and identity files (vessels are rewritten by every drain),
    by name with the run numbers they hold (``part-ingest-r1.parquet``; a name that also
    says which staging database wrote it, ``part-ingest-<id>-r1.parquet``, reads the same)."""
    return {_plain_name(k): v for k, v in parquet_files(dest).items() if not k.startswith("vessels/")}


def data_file(dest: Path, key: str) -> Path:
    """The file of ``data_files(dest)`` named ``key``."""
    (path,) = [p for p in dest.rglob("*.parquet") if _plain_name(p.relative_to(dest).as_posix()) == key]
    return path


def _plain_name(key: str) -> str:
    return re.sub(r"/part-ingest-(?!r\d)[^/]*?-(r[\d-]+\.parquet)$", r"/part-ingest-\1", key)


def drain(staging: Path, dest: Path, cell_deg: float | None = None):
    store = Store(staging)
    try:
        return drain_staging(store.con, open_archive(str(dest)), cell_deg)
    finally:
        store.close()


# -- where the staging database lives ------------------------------------------------------------


def test_staging_path(tmp_path: Path, monkeypatch, s3) -> None:
    local = open_archive(str(tmp_path / "arch"))
    assert staging_path(local) == tmp_path / "arch" / "_maritime" / "staging.duckdb"
    assert staging_path(local, str(tmp_path / "s.duckdb")) == tmp_path / "s.duckdb"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    remote = open_archive(s3.url("bulk"))
    key = hashlib.sha1(f"s3://{s3.bucket}/bulk".encode()).hexdigest()[:16]
    assert staging_path(remote) == tmp_path / "cache" / "maritime" / "staging" / f"{key}.duckdb"


# -- 6. the sample, straight into the archive ----------------------------------------------------


def test_ingest_archive_gives_the_same_rows_as_ingest_db(sample_db_master: Path, tmp_path: Path, capsys) -> None:
    dest = tmp_path / "arch"
    assert cli("ingest", "--no-progress", "--archive", str(dest), str(SAMPLE)) == 0
    out = capsys.readouterr().out
    assert f"positions stored      {SAMPLE_POSITIONS:>12,}" in out
    assert f"archive {dest}:" in out and f"{SAMPLE_POSITIONS:,} rows written (1 days)" in out

    assert set(data_files(dest)) == {
        f"positions/day={SAMPLE_DAY}/part-ingest-r1.parquet",
        f"identity_reports/day={SAMPLE_DAY}/part-ingest-r1.parquet",
    }
    assert archive_count(dest) == SAMPLE_POSITIONS == db_count(sample_db_master)
    assert archive_count(dest, "identity_reports") == SAMPLE_IDENTITIES
    # the same rows as `maritime ingest --db` (the same run number too: 1)
    for table in ("positions", "identity_reports", "vessels"):
        assert_same_rows(sample_db_master, dest, table)
    assert (
        duckdb.sql(f"SELECT DISTINCT day FROM read_parquet('{glob_of(dest)}', hive_partitioning=true)")
        .fetchall()[0][0]
        .isoformat()
        == SAMPLE_DAY
    )
    assert len(pd.read_parquet(dest / "positions")) == SAMPLE_POSITIONS

    staging = dest / "_maritime" / "staging.duckdb"
    assert staged_counts(staging) == (0, 0)
    assert db_count(staging, "vessels") == db_count(sample_db_master, "vessels")  # kept for the next file
    assert leftovers(dest) == []

    # the same command again: already ingested, nothing new
    before = data_files(dest)
    assert cli("ingest", "--no-progress", "--archive", str(dest), str(SAMPLE)) == 0
    assert "already ingested" in capsys.readouterr().out
    assert data_files(dest) == before
    assert archive_count(dest) == SAMPLE_POSITIONS
    assert archive_count(dest, "identity_reports") == SAMPLE_IDENTITIES
    assert archive_count(dest, "vessels") == db_count(sample_db_master, "vessels")


def test_each_file_is_drained_before_the_next(tmp_path: Path, nmea) -> None:
    """Two files, two days: each file's rows go to the archive under its run, staging ends empty."""
    a, b = nmea("a.nmea", 0, 3000, -900), nmea("b.nmea", 0, 3000, DAY_S)  # 14th/15th, then 16th
    ref = tmp_path / "ref.duckdb"
    ingest_into(ref, a, b)
    dest = tmp_path / "arch"
    assert cli("ingest", "--no-progress", "--archive", str(dest), str(a), str(b)) == 0
    assert set(data_files(dest)) == {
        "positions/day=2025-01-14/part-ingest-r1.parquet",
        "positions/day=2025-01-15/part-ingest-r1.parquet",
        "positions/day=2025-01-16/part-ingest-r2.parquet",
        "identity_reports/day=2025-01-14/part-ingest-r1.parquet",
        "identity_reports/day=2025-01-15/part-ingest-r1.parquet",
        "identity_reports/day=2025-01-16/part-ingest-r2.parquet",
    }
    assert archive_day_counts(dest) == db_day_counts(ref)
    assert_same_rows(ref, dest)
    assert_same_rows(ref, dest, "identity_reports")
    assert_same_rows(ref, dest, "vessels")
    assert staged_counts(dest / "_maritime" / "staging.duckdb") == (0, 0)


def test_leftover_staged_rows_go_first_under_their_own_name(tmp_path: Path, nmea, capsys) -> None:
    """A run killed after its ingest committed but before its drain: the next run drains first."""
    staging = tmp_path / "staging.duckdb"
    first, second = nmea("first.nmea", 0, 3000), nmea("second.nmea", 3000, 6000)
    ingest_into(staging, first)  # committed to staging, never drained (killed)
    left = db_query(staging, "SELECT count(*), min(run_id), max(run_id) FROM positions")[0]
    assert left[0] > 0 and left[1] == left[2] == 1
    leftover = duckdb.connect(str(staging), read_only=True)
    want_left = leftover.sql("SELECT * FROM positions ORDER BY ALL").df()
    leftover.close()
    ref = tmp_path / "ref.duckdb"
    ingest_into(ref, second)

    dest = tmp_path / "arch"
    args = ("ingest", "--no-progress", "--archive", str(dest), "--staging", str(staging), str(second))
    assert cli(*args) == 0
    assert set(data_files(dest)) == {
        f"positions/day={SAMPLE_DAY}/part-ingest-r1.parquet",
        f"positions/day={SAMPLE_DAY}/part-ingest-r2.parquet",
        f"identity_reports/day={SAMPLE_DAY}/part-ingest-r1.parquet",
        f"identity_reports/day={SAMPLE_DAY}/part-ingest-r2.parquet",
    }
    got_left = pd.read_parquet(data_file(dest, f"positions/day={SAMPLE_DAY}/part-ingest-r1.parquet"))
    pd.testing.assert_frame_equal(
        got_left.sort_values(list(got_left.columns)).reset_index(drop=True),
        want_left.sort_values(list(want_left.columns)).reset_index(drop=True),
        check_dtype=False,
    )
    r2 = pd.read_parquet(data_file(dest, f"positions/day={SAMPLE_DAY}/part-ingest-r2.parquet"))
    assert len(r2) == db_count(ref) and set(r2["run_id"]) == {2}
    assert archive_count(dest) == left[0] + db_count(ref)
    assert staged_counts(staging) == (0, 0)

    before, total = data_files(dest), archive_count(dest)
    capsys.readouterr()
    assert cli(*args) == 0
    assert "already ingested" in capsys.readouterr().out
    assert data_files(dest) == before and archive_count(dest) == total
    assert leftovers(dest) == []


def test_a_drain_killed_half_way_rewrites_the_same_names(tmp_path: Path, nmea, monkeypatch) -> None:
    staging = tmp_path / "staging.duckdb"
    ingest_into(staging, nmea("two-days.nmea", 0, 3000, -900))
    n_pos, n_id = staged_counts(staging)
    dest = tmp_path / "arch"
    real = export.write_parquet
    calls = []

    def dies_on_second_file(*args, **kwargs):
        calls.append(args[1])
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(export, "write_parquet", dies_on_second_file)
    with pytest.raises(KeyboardInterrupt):
        drain(staging, dest)
    monkeypatch.setattr(export, "write_parquet", real)
    assert staged_counts(staging) == (n_pos, n_id)  # nothing removed from staging
    assert len(data_files(dest)) == 1

    summary = drain(staging, dest)
    assert summary.days_written == {"positions": 2, "identity_reports": 2}
    assert sorted(data_files(dest)) == [
        "identity_reports/day=2025-01-14/part-ingest-r1.parquet",
        "identity_reports/day=2025-01-15/part-ingest-r1.parquet",
        "positions/day=2025-01-14/part-ingest-r1.parquet",
        "positions/day=2025-01-15/part-ingest-r1.parquet",
    ]
    assert archive_count(dest) == n_pos and archive_count(dest, "identity_reports") == n_id
    assert staged_counts(staging) == (0, 0)
    before = data_files(dest)
    again = drain(staging, dest)  # nothing staged: nothing to write
    assert "positions" not in again.rows and "identity_reports" not in again.rows
    assert data_files(dest) == before and archive_count(dest) == n_pos
    assert leftovers(dest) == []


def test_a_drain_killed_while_writing_the_vessels_is_completed_by_the_next_run(
    tmp_path: Path, nmea, monkeypatch
) -> None:
    """Killed after the staged rows were archived and removed from staging, while writing
    ``vessels/part-ingest.parquet``: running the same command again must leave the archive's
    vessels equal to the staging database's.

    BUG (since "ingest --archive rewrites vessels only when something was staged"):
    ``drain_staging`` deletes the staged rows and commits *before* it writes the vessels
    file, and returns early when nothing is staged; so after such a kill no later run (the
    same file is "already ingested") rewrites the vessels, and the archive keeps the previous
    (or no) vessels file. Suggested fix: write the vessels file before the DELETE transaction
    (the staged rows are already applied to ``vessels``), so that a kill anywhere before the
    COMMIT repeats the whole drain under the same names.
    """
    staging = tmp_path / "staging.duckdb"
    src = nmea("a.nmea", 0, 3000)
    dest = tmp_path / "arch"
    real = export.write_parquet

    def dies_on_vessels(arch, path, *args, **kwargs):
        if "/vessels/" in path:
            raise KeyboardInterrupt
        return real(arch, path, *args, **kwargs)

    ref = tmp_path / "ref.duckdb"
    ingest_into(ref, src)
    args = ("ingest", "--no-progress", "--archive", str(dest), "--staging", str(staging), str(src))
    monkeypatch.setattr(export, "write_parquet", dies_on_vessels)
    assert cli(*args) == 130  # "interrupted": what Ctrl-C gives
    monkeypatch.setattr(export, "write_parquet", real)

    assert cli(*args) == 0
    assert archive_count(dest) == db_count(ref)
    assert staged_counts(staging) == (0, 0)
    assert (dest / "vessels").is_dir(), "no vessels file in the archive"
    assert archive_count(dest, "vessels") == db_count(staging, "vessels")


def test_ingest_archive_with_cells(tmp_path: Path, nmea) -> None:
    src = nmea("a.nmea", 0, 3000)
    ref = tmp_path / "ref.duckdb"
    ingest_into(ref, src)
    dest = tmp_path / "arch"
    assert cli("ingest", "--no-progress", "--archive", str(dest), "--cell-deg", "5", str(src)) == 0
    pos = [k for k in data_files(dest) if k.startswith("positions/")]
    expected = {cell_name(la, lo, 5) for la, lo in db_query(ref, "SELECT lat, lon FROM positions")}
    assert {k.split("/")[2] for k in pos} == {f"cell={c}" for c in expected}
    assert all(k.endswith("/part-ingest-r1.parquet") for k in pos)
    assert_same_rows(ref, dest)
    with pytest.raises(ArchiveError, match="run again with --cell-deg 5$"):
        drain(dest / "_maritime" / "staging.duckdb", dest, None)


def test_ingest_archive_to_s3(tmp_path: Path, nmea, s3, monkeypatch, capsys) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    src = nmea("a.nmea", 0, 3000, -900)
    ref = tmp_path / "ref.duckdb"
    ingest_into(ref, src)
    url = s3.url("bulk")
    assert cli("ingest", "--no-progress", "--archive", url, str(src)) == 0
    assert s3.count("positions", "bulk") == db_count(ref)
    assert s3.count("identity_reports", "bulk") == db_count(ref, "identity_reports")
    assert sorted(p.rsplit("/", 2)[-2] for p in s3.files("bulk") if "/positions/" in p) == [
        "day=2025-01-14",
        "day=2025-01-15",
    ]
    staging = staging_path(open_archive(url))
    assert staging.is_relative_to(tmp_path / "cache") and staged_counts(staging) == (0, 0)

    before = {k: v for k, v in s3.files("bulk").items() if "/vessels/" not in k}
    capsys.readouterr()
    assert cli("ingest", "--no-progress", "--archive", url, str(src)) == 0
    assert "already ingested" in capsys.readouterr().out
    assert {k: v for k, v in s3.files("bulk").items() if "/vessels/" not in k} == before
    assert s3.count("positions", "bulk") == db_count(ref)


def test_two_staging_databases_do_not_overwrite_each_other(tmp_path: Path, nmea) -> None:
    """Two machines ingesting into one remote archive (each with its staging database in its
    own ~/.cache), or a second --staging, or a deleted staging file.

    BUG: drained files are named ``part-ingest-r<run_id>.parquet`` and run ids restart at 1
    in every staging database, so the second staging database's run 1 *replaces* the first
    one's file of the same day (and ``vessels/part-ingest.parquet`` too): the first file's
    positions are silently lost from the archive. Suggested fix: name drained files after the
    staging database as well, e.g. ``part-ingest-<staging id>-r<lo>[-<hi>].parquet`` and
    ``vessels/part-ingest-<staging id>.parquet``, with ``<staging id>`` a random id created
    once and stored in the staging database (or ``export.database_origin`` of it).
    """
    first, second = nmea("first.nmea", 0, 3000), nmea("second.nmea", 3000, 6000)
    ref1, ref2 = tmp_path / "ref1.duckdb", tmp_path / "ref2.duckdb"
    ingest_into(ref1, first)
    ingest_into(ref2, second)
    dest = tmp_path / "arch"
    assert (
        cli("ingest", "--no-progress", "--archive", str(dest), "--staging", str(tmp_path / "s1.duckdb"), str(first))
        == 0
    )
    assert (
        cli("ingest", "--no-progress", "--archive", str(dest), "--staging", str(tmp_path / "s2.duckdb"), str(second))
        == 0
    )
    assert archive_count(dest) == db_count(ref1) + db_count(ref2)
