"""Where things live in an archive, and how a file is written so that no reader sees half of it.

Layout (``DEST`` is a folder or an S3-compatible URL such as ``s3://bucket/ais``)::

    DEST/positions/day=2025-01-15/part-<origin>-<batch>.parquet
    DEST/positions/day=2025-01-15/cell=S05W085/part-<origin>-<batch>.parquet   (with --cell-deg)
    DEST/vessels/part-<origin>.parquet
    DEST/events/part-<origin>.parquet
    DEST/_maritime/...                       bookkeeping (JSON), never matched by */*.parquet

``<origin>`` says who wrote a file: ``db-<id>`` for a DuckDB database mirrored by
``maritime archive``, ``ingest`` for ``maritime ingest --archive``, ``detect`` for events of
``maritime detect --engine dask``. Partition values are Hive style (``key=value`` folders), so
DuckDB, Spark, Trino and pyarrow read ``day`` (a date, UTC) and ``cell`` as columns.

A file is written under a hidden temporary name in its folder (``.part-….tmp``: hidden
files are skipped by pandas, pyarrow, Spark and Trino, and no ``*.parquet`` glob matches
them) and then renamed. On S3 the rename is a server-side copy: a file appears whole or
not at all, and a write that fails never publishes what it had written so far.
"""

from __future__ import annotations

import json
import math
import posixpath
import shutil
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from maritime.errors import MaritimeError

POSITIONS = "positions"
VESSELS = "vessels"
EVENTS = "events"
STATE = "_maritime"
#: Parquet compression: zstd is ~30 % smaller than snappy on AIS positions at similar speed,
#: and every reader named in the README (DuckDB, Spark, Trino, pyarrow) supports it.
COMPRESSION = "zstd"
#: Rows per Parquet row group: large enough for good compression, small enough for readers
#: to skip by statistics (mmsi, ts).
ROW_GROUP_ROWS = 1_000_000


class ArchiveError(MaritimeError):
    """The archive cannot be opened or written; the message is one line for people."""


@dataclass(frozen=True)
class Archive:
    """An archive location: a pyarrow filesystem and the root path inside it."""

    fs: pafs.FileSystem
    root: str
    url: str

    @property
    def is_local(self) -> bool:
        return isinstance(self.fs, pafs.LocalFileSystem)

    def path(self, *parts: str) -> str:
        return posixpath.join(self.root, *parts)

    def uri(self, *parts: str) -> str:
        """A path readers (DuckDB, pandas) understand: a local path or the URL."""
        if self.is_local:
            return str(Path(self.path(*parts)))
        return posixpath.join(self.url.rstrip("/"), *parts)


def open_archive(dest: str, create: bool = True) -> Archive:
    """The archive at ``dest``: a local folder, or a URL pyarrow understands (``s3://``, ...).

    S3-compatible stores (MinIO, Ceph, ...) take pyarrow's query options, e.g.
    ``s3://bucket/ais?endpoint_override=http://127.0.0.1:9000&region=us-east-1``; credentials
    come from the usual AWS environment variables.
    """
    if "://" in dest and not dest.startswith("file://"):
        try:
            fs, root = pafs.FileSystem.from_uri(dest)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:
            raise ArchiveError(f"cannot open archive {dest}: {str(exc).splitlines()[0]}") from None
        url = dest.split("?", 1)[0]
    else:
        local = Path(dest[len("file://") :] if dest.startswith("file://") else dest).expanduser().resolve()
        if local.exists() and not local.is_dir():
            raise ArchiveError(f"archive {dest} is a file, not a folder: give a folder or an s3:// URL")
        fs, root, url = pafs.LocalFileSystem(), local.as_posix(), local.as_posix()
    arch = Archive(fs, root.rstrip("/") or "/", url)
    if create:
        try:
            fs.create_dir(arch.path(STATE), recursive=True)
        except OSError as exc:
            raise ArchiveError(f"cannot write to archive {dest}: {exc}") from None
    return arch


@contextmanager
def removed_if_failed(dest: str) -> Iterator[None]:
    """Delete the local folder ``dest`` again if the block fails and the folder did not exist
    before it: a failed first run leaves no archive behind. (An existing archive keeps what a
    failed run completed: its bookkeeping says so, and the next run goes on from there.)"""
    local = None if "://" in dest and not dest.startswith("file://") else Path(dest.removeprefix("file://"))
    existed = local is None or local.expanduser().exists()
    try:
        yield
    except BaseException:
        if not existed and local is not None:
            shutil.rmtree(local.expanduser(), ignore_errors=True)
        raise


# -- names ----------------------------------------------------------------------------------


def day_dir(day: date) -> str:
    return f"day={day.isoformat()}"


def cell_name(lat: float, lon: float, cell_deg: float) -> str:
    """Name of the ``cell_deg`` cell holding (lat, lon): its south-west corner, e.g. ``S05W085``."""
    s = math.floor((lat + 90.0) / cell_deg) * cell_deg - 90.0
    w = math.floor((lon + 180.0) / cell_deg) * cell_deg - 180.0
    return f"{'S' if s < 0 else 'N'}{abs(s):02g}{'W' if w < 0 else 'E'}{abs(w):03g}".replace(".", "p")


def part_name(origin: str, batch: str | int | None = None) -> str:
    return f"part-{origin}.parquet" if batch is None else f"part-{origin}-{batch}.parquet"


# -- writing ----------------------------------------------------------------------------------


def write_parquet(
    arch: Archive, path: str, batches: Iterable[pa.RecordBatch] | pa.Table, schema: pa.Schema | None = None
) -> int:
    """Write record batches (or a table) to ``path`` atomically; returns the rows written."""
    if isinstance(batches, pa.Table):
        schema = batches.schema
        batches = batches.to_batches(max_chunksize=ROW_GROUP_ROWS)
    if schema is None:
        raise ValueError("write_parquet needs the schema of an iterator of batches")
    target = _temporary(path)
    arch.fs.create_dir(posixpath.dirname(path), recursive=True)
    rows = 0
    try:
        with pq.ParquetWriter(target, schema, filesystem=arch.fs, compression=COMPRESSION) as w:
            for b in batches:
                if b.num_rows:
                    w.write_batch(b, row_group_size=ROW_GROUP_ROWS)
                    rows += b.num_rows
        arch.fs.move(target, path)
    except BaseException:
        try:
            arch.fs.delete_file(target)
        except OSError:
            pass
        raise
    return rows


def _temporary(path: str) -> str:
    """A hidden, unique name beside ``path``."""
    folder, name = posixpath.split(path)
    return posixpath.join(folder, f".{name}.{uuid.uuid4().hex[:8]}.tmp")


def list_files(arch: Archive, *parts: str, suffix: str = ".parquet") -> list[str]:
    """Files under ``parts`` ending in ``suffix``, sorted."""
    sel = pafs.FileSelector(arch.path(*parts), recursive=True, allow_not_found=True)
    return sorted(
        i.path for i in arch.fs.get_file_info(sel) if i.type == pafs.FileType.File and i.path.endswith(suffix)
    )


# -- bookkeeping ------------------------------------------------------------------------------


def read_state(arch: Archive, name: str) -> dict[str, Any]:
    """The JSON document ``_maritime/<name>.json`` ({} when absent)."""
    try:
        with arch.fs.open_input_stream(arch.path(STATE, f"{name}.json")) as f:
            doc: dict[str, Any] = json.loads(f.read().decode("utf-8"))
            return doc
    except FileNotFoundError:
        return {}
    except ValueError as exc:
        raise ArchiveError(f"archive bookkeeping {name}.json is damaged ({exc}); remove it to rebuild") from None


def write_state(arch: Archive, name: str, doc: dict[str, Any]) -> None:
    """Replace ``_maritime/<name>.json`` atomically."""
    path = arch.path(STATE, f"{name}.json")
    data = json.dumps(doc, indent=1, sort_keys=True).encode("utf-8")
    target = _temporary(path)
    with arch.fs.open_output_stream(target) as f:
        f.write(data)
    arch.fs.move(target, path)


def check_cell_deg(arch: Archive, cell_deg: float | None) -> None:
    """Fix the archive's position partitioning on first use (``_maritime/layout.json``) and
    refuse a writer that asks for another: folders of two layouts cannot be read together."""
    layout = read_state(arch, "layout")
    if "cell_deg" not in layout:
        write_state(arch, "layout", {"cell_deg": cell_deg})
        return
    was = layout["cell_deg"]
    if was != cell_deg:
        how = f"by day and {was:g}° cell" if was else "by day only"
        fix = f"--cell-deg {was:g}" if was else "no --cell-deg"
        raise ArchiveError(f"this archive's positions are partitioned {how}: run again with {fix}")
