"""maritime.archive.layout: opening an archive, names, atomic Parquet writes, bookkeeping."""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from maritime.archive.layout import (
    STATE,
    ArchiveError,
    cell_name,
    day_dir,
    list_files,
    open_archive,
    part_name,
    read_state,
    write_parquet,
    write_state,
)
from tests.archive.conftest import leftovers

SCHEMA = pa.schema([("mmsi", pa.int32()), ("lat", pa.float64())])


def table(n: int, start: int = 0) -> pa.Table:
    return pa.table(
        {
            "mmsi": pa.array(range(start, start + n), pa.int32()),
            "lat": pa.array([float(i) / 10 for i in range(start, start + n)]),
        },
        schema=SCHEMA,
    )


class Crash(RuntimeError):
    pass


def crashing_batches(n_before: int = 2, rows: int = 1000, exc: BaseException | None = None):
    """Batches of a writer that dies half way (e.g. DuckDB fails, or Ctrl-C)."""
    for k in range(n_before):
        yield table(rows, k * rows).to_batches()[0]
    raise exc or Crash("disk on fire")


# -- opening -----------------------------------------------------------------------------------


def test_open_local_folder_creates_it_with_bookkeeping(tmp_path: Path) -> None:
    dest = tmp_path / "new" / "archive"
    arch = open_archive(str(dest))
    assert arch.is_local
    assert Path(arch.root) == dest.resolve()
    assert (dest / STATE).is_dir()
    assert arch.path("positions", "x.parquet") == (dest / "positions" / "x.parquet").as_posix()
    assert arch.uri("positions") == str(dest.resolve() / "positions")


def test_open_file_url_and_relative_path_are_the_same_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    by_url = open_archive(f"file://{tmp_path / 'a'}")
    relative = open_archive("a")
    assert by_url.is_local and relative.is_local
    assert by_url.root == relative.root == (tmp_path / "a").resolve().as_posix()


def test_open_without_create_does_not_touch_the_disk(tmp_path: Path) -> None:
    open_archive(str(tmp_path / "nothing"), create=False)
    assert not (tmp_path / "nothing").exists()


def test_open_an_existing_file_is_a_one_line_error(tmp_path: Path) -> None:
    f = tmp_path / "archive.parquet"
    f.write_bytes(b"not a folder")
    with pytest.raises(ArchiveError) as err:
        open_archive(str(f))
    msg = str(err.value)
    assert "is a file, not a folder" in msg and str(f) in msg and "\n" not in msg
    assert f.read_bytes() == b"not a folder"


def test_open_an_unknown_url_scheme_is_a_one_line_error() -> None:
    with pytest.raises(ArchiveError) as err:
        open_archive("nosuchscheme://bucket/prefix")
    assert str(err.value).startswith("cannot open archive nosuchscheme://bucket/prefix")
    assert "\n" not in str(err.value)


# -- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lat, lon, deg, name",
    [
        (-4.5, -84.5, 5, "S05W085"),  # Gulf of Guayaquil approaches: south-west corner -5, -85
        (-0.2, -80.1, 5, "S05W085"),
        (0.2, -79.9, 5, "N00W080"),  # just north of the equator, east of 80°W
        (-12.05, -77.15, 1, "S13W078"),  # off Callao
        (8.95, -79.55, 1, "N08W080"),  # Panama, Balboa
        (-33.03, -71.63, 10, "S40W080"),  # Valparaíso
        (0.0, 0.0, 5, "N00E000"),  # a corner belongs to the cell north-east of it
        (-0.0001, -0.0001, 5, "S05W005"),
        (45.0, 170.0, 10, "N40E170"),
        (-4.2, -84.7, 0.5, "S4p5W085"),  # fractional cells: '.' becomes 'p'
        (-89.9, -179.9, 10, "S90W180"),
    ],
)
def test_cell_name_is_the_south_west_corner(lat: float, lon: float, deg: float, name: str) -> None:
    assert cell_name(lat, lon, deg) == name


def test_part_and_day_names() -> None:
    from datetime import date

    assert day_dir(date(2025, 1, 5)) == "day=2025-01-05"
    assert part_name("db-0123456789") == "part-db-0123456789.parquet"
    assert part_name("ingest", "r3") == "part-ingest-r3.parquet"
    assert part_name("ingest", 7) == "part-ingest-7.parquet"


# -- atomic writes (local) ---------------------------------------------------------------------


def test_write_table_round_trips_with_zstd(tmp_path: Path) -> None:
    arch = open_archive(str(tmp_path / "a"))
    path = arch.path("positions", "day=2025-01-15", "part-x.parquet")
    assert write_parquet(arch, path, table(2500)) == 2500
    back = pq.read_table(path)
    assert back.equals(table(2500))
    assert pq.ParquetFile(path).metadata.row_group(0).column(0).compression == "ZSTD"
    assert leftovers(tmp_path / "a") == []


def test_write_batches_skips_empty_ones_and_needs_a_schema(tmp_path: Path) -> None:
    arch = open_archive(str(tmp_path / "a"))
    path = arch.path("t", "part.parquet")
    batches = [pa.RecordBatch.from_pylist([], schema=SCHEMA), table(3).to_batches()[0]]
    assert write_parquet(arch, path, iter(batches), SCHEMA) == 3
    assert pq.read_table(path).num_rows == 3
    with pytest.raises(ValueError):
        write_parquet(arch, arch.path("t", "other.parquet"), iter(batches))
    assert not Path(arch.path("t", "other.parquet")).exists()


def test_crash_during_first_write_leaves_no_file_and_no_tmp(tmp_path: Path) -> None:
    arch = open_archive(str(tmp_path / "a"))
    path = arch.path("positions", "day=2025-01-15", "part-x.parquet")
    with pytest.raises(Crash):
        write_parquet(arch, path, crashing_batches(), SCHEMA)
    assert not os.path.exists(path)
    assert leftovers(tmp_path / "a") == []
    assert list_files(arch, "positions") == []


@pytest.mark.parametrize("exc", [Crash("boom"), KeyboardInterrupt()], ids=["error", "ctrl-c"])
def test_crash_during_rewrite_keeps_the_previous_version(tmp_path: Path, exc: BaseException) -> None:
    arch = open_archive(str(tmp_path / "a"))
    path = arch.path("positions", "day=2025-01-15", "part-x.parquet")
    write_parquet(arch, path, table(10))
    before = Path(path).read_bytes()
    with pytest.raises(type(exc)):
        write_parquet(arch, path, crashing_batches(exc=exc), SCHEMA)
    assert Path(path).read_bytes() == before
    assert pq.read_table(path).equals(table(10))
    assert leftovers(tmp_path / "a") == []


def test_rewrite_replaces_the_file_whole(tmp_path: Path) -> None:
    arch = open_archive(str(tmp_path / "a"))
    path = arch.path("positions", "day=2025-01-15", "part-x.parquet")
    write_parquet(arch, path, table(10))
    write_parquet(arch, path, table(4, 100))
    assert pq.read_table(path).equals(table(4, 100))
    assert [Path(p).name for p in list_files(arch, "positions")] == ["part-x.parquet"]
    assert leftovers(tmp_path / "a") == []


def test_a_file_being_written_is_invisible_to_folder_readers(tmp_path: Path) -> None:
    """While a day is written, readers of the folder (pandas/pyarrow datasets, Spark: they
    skip names starting with '.' or '_', not names ending in '.tmp') see the old files only.

    BUG: the temporary name is ``part-x.parquet.<hex>.tmp`` in the same folder, so
    ``pd.read_parquet(DEST/positions)`` during a write (or for ever after a killed write)
    fails with "Parquet magic bytes not found". Suggested fix in ``write_parquet``: a hidden
    temporary name in the same folder, e.g.
    ``posixpath.join(posixpath.dirname(path), f".{posixpath.basename(path)}.{uuid}.tmp")``.
    """
    arch = open_archive(str(tmp_path / "a"))
    day = arch.path("positions", "day=2025-01-15")
    write_parquet(arch, posixpath.join(day, "part-a.parquet"), table(10))
    seen: dict[str, object] = {}

    def batches_with_a_reader_in_the_middle():
        yield table(1000, 10).to_batches()[0]
        try:
            seen["rows"] = len(pd.read_parquet(arch.path("positions")))
        except Exception as exc:  # noqa: BLE001 - what a reader would get
            seen["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
        yield table(5, 2000).to_batches()[0]

    write_parquet(arch, posixpath.join(day, "part-b.parquet"), batches_with_a_reader_in_the_middle(), SCHEMA)
    assert seen == {"rows": 10}
    assert len(pd.read_parquet(arch.path("positions"))) == 1015


# -- listing and bookkeeping -------------------------------------------------------------------


def test_list_files_is_sorted_recursive_and_filtered(tmp_path: Path) -> None:
    arch = open_archive(str(tmp_path / "a"))
    assert list_files(arch, "positions") == []  # missing folder: nothing, no error
    for d in ("day=2025-01-16", "day=2025-01-15/cell=S05W085", "day=2025-01-15"):
        write_parquet(arch, arch.path("positions", d, "part-x.parquet"), table(1))
    (tmp_path / "a" / "positions" / "notes.txt").write_text("x")
    got = [p[len(arch.root) + 1 :] for p in list_files(arch, "positions")]
    assert got == [
        "positions/day=2025-01-15/cell=S05W085/part-x.parquet",
        "positions/day=2025-01-15/part-x.parquet",
        "positions/day=2025-01-16/part-x.parquet",
    ]
    assert [Path(p).name for p in list_files(arch, "positions", suffix=".txt")] == ["notes.txt"]


def test_state_round_trip_atomic_and_damage_is_reported(tmp_path: Path) -> None:
    arch = open_archive(str(tmp_path / "a"))
    assert read_state(arch, "mirror-db-x") == {}
    doc = {"cell_deg": 5.0, "positions": {"2025-01-15": [10, 123]}}
    write_state(arch, "mirror-db-x", doc)
    assert read_state(arch, "mirror-db-x") == doc
    write_state(arch, "mirror-db-x", {"cell_deg": None})
    assert read_state(arch, "mirror-db-x") == {"cell_deg": None}
    assert sorted(p.name for p in (tmp_path / "a" / STATE).iterdir()) == ["mirror-db-x.json"]
    (tmp_path / "a" / STATE / "mirror-db-x.json").write_text("{half")
    with pytest.raises(ArchiveError, match="damaged.*remove it to rebuild"):
        read_state(arch, "mirror-db-x")
    # bookkeeping never looks like data to a *.parquet glob
    assert list_files(arch, STATE) == []


# -- S3 ----------------------------------------------------------------------------------------


def test_s3_open_write_list_state(s3) -> None:
    arch = open_archive(s3.url("lay"))
    assert not arch.is_local and arch.root == f"{s3.bucket}/lay" and arch.url == f"s3://{s3.bucket}/lay"
    assert arch.uri("positions") == f"s3://{s3.bucket}/lay/positions"
    assert read_state(arch, "ingest") == {}
    path = arch.path("positions", "day=2025-01-15", "part-x.parquet")
    assert write_parquet(arch, path, table(10)) == 10
    assert list_files(arch, "positions") == [path]
    assert pq.read_table(path, filesystem=s3.fs).equals(table(10))
    write_state(arch, "ingest", {"cell_deg": None})
    assert read_state(arch, "ingest") == {"cell_deg": None}


def test_s3_creates_a_missing_bucket_when_allowed(s3) -> None:
    url = s3.url("x").replace(f"s3://{s3.bucket}/", f"s3://{s3.bucket}-new/")
    arch = open_archive(url)
    write_parquet(arch, arch.path("vessels", "part-x.parquet"), table(3))
    assert pq.read_table(f"{s3.bucket}-new/x/vessels/part-x.parquet", filesystem=s3.fs).num_rows == 3


def test_s3_crash_during_write_keeps_the_previous_version(s3) -> None:
    """On S3 a file is written under its final name; a writer that dies must not publish it.

    BUG: ``write_parquet`` writes through ``with pq.ParquetWriter(...)``, whose ``__exit__``
    closes the writer even when the batches raise, which writes the footer and completes the
    multipart upload: the truncated file (the batches before the crash) replaces the day's
    previous file under its final name. Suggested fix: on a remote filesystem write to a
    temporary key (e.g. ``_maritime/tmp/<uuid>.parquet``, or a hidden name beside the target)
    and ``fs.move`` it (S3 copy: the target appears whole) after a clean close; on error
    delete the temporary key — or open the output stream yourself and never close the
    ParquetWriter on error.
    """
    arch = open_archive(s3.url("crash"))
    path = arch.path("positions", "day=2025-01-15", "part-x.parquet")
    write_parquet(arch, path, table(10))
    with pytest.raises(Crash):
        write_parquet(arch, path, crashing_batches(), SCHEMA)
    assert pq.read_table(path, filesystem=s3.fs).equals(table(10))


def test_s3_crash_during_first_write_publishes_nothing(s3) -> None:
    """Same bug as above, first write: a partial file must not appear at all."""
    arch = open_archive(s3.url("crash1"))
    path = arch.path("positions", "day=2025-01-15", "part-x.parquet")
    with pytest.raises(Crash):
        write_parquet(arch, path, crashing_batches(), SCHEMA)
    assert list_files(arch, "positions") == []
