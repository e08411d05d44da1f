"""Shared fixtures and helpers of the Parquet archive tests.

Everything here works on real files: DuckDB databases on disk (made by the real ingest
from the bundled sample or from small NMEA files cut from it, with their tag-block times
shifted to other days), real Parquet written by ``maritime archive`` / ``maritime ingest
--archive``, and a real S3-compatible server (moto's ``ThreadedMotoServer`` on 127.0.0.1).
"""

from __future__ import annotations

import gzip
import re
from functools import reduce
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.conftest import FIXTURES

SAMPLE = FIXTURES / "eastern_pacific_sample.nmea.gz"
#: What the bundled sample ingests to (all on 2025-01-15 UTC).
SAMPLE_POSITIONS = 72_584
SAMPLE_IDENTITIES = 31_740
SAMPLE_DAY = "2025-01-15"
DAY_S = 86_400

#: Dummy credentials for the local S3 server (never real ones).
S3_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


# -- NMEA files cut from the sample -----------------------------------------------------------


def _checksum(body: bytes) -> int:
    return reduce(lambda a, c: a ^ c, body, 0)


def shift_lines(lines: list[bytes], seconds: int) -> bytes:
    """Tag-blocked lines with every ``c:`` time moved by ``seconds`` (tag checksums rewritten)."""
    out = []
    for line in lines:
        m = re.match(rb"\\(.*)\*[0-9A-F]{2}\\(.*)", line)
        if not m:
            out.append(line)
            continue
        tag = re.sub(rb"c:(\d+)", lambda mm: b"c:%d" % (int(mm.group(1)) + seconds), m.group(1))
        out.append(b"\\" + tag + b"*%02X\\" % _checksum(tag) + m.group(2))
    return b"\n".join(out) + b"\n"


@pytest.fixture(scope="session")
def sample_lines() -> list[bytes]:
    """The lines of the bundled sample (2025-01-15 00:00Z onwards; 3,000 lines ≈ 31 min)."""
    return gzip.decompress(SAMPLE.read_bytes()).splitlines()


@pytest.fixture
def nmea(tmp_path: Path, sample_lines):
    """``nmea(name, start, stop, shift_s)``: lines [start, stop) of the sample, moved by shift_s, as a file."""

    def make(name: str, start: int, stop: int, shift_s: int = 0) -> Path:
        path = tmp_path / name
        path.write_bytes(shift_lines(sample_lines[start:stop], shift_s))
        return path

    return make


# -- databases ---------------------------------------------------------------------------------


def ingest_into(db: Path, *paths: Path | str) -> None:
    """The ordinary ingest (as ``maritime ingest --db DB PATH...``) in this process."""
    from maritime.ingest.options import IngestOptions
    from maritime.ingest.recordings import ingest_paths
    from maritime.store.database import Store

    store = Store(db)
    try:
        ingest_paths(store, [str(p) for p in paths], IngestOptions(progress=False))
    finally:
        store.close()


@pytest.fixture(scope="session")
def sample_db_master(tmp_path_factory) -> Path:
    """The bundled sample ingested once per session (never written to by tests)."""
    db = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    ingest_into(db, SAMPLE)
    return db


@pytest.fixture(scope="session")
def small_db(tmp_path_factory, sample_lines) -> Path:
    """The first 3,000 lines of the sample (2025-01-15 00:00-00:31Z) ingested once per session."""
    folder = tmp_path_factory.mktemp("small")
    src = folder / "small.nmea"
    src.write_bytes(shift_lines(sample_lines[:3000], 0))
    db = folder / "small.duckdb"
    ingest_into(db, src)
    return db


def db_query(db: Path, query: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def db_count(db: Path, table: str = "positions") -> int:
    return db_query(db, f"SELECT count(*) FROM {table}")[0][0]


# -- reading an archive back -------------------------------------------------------------------


def glob_of(dest: Path, table: str = "positions") -> str:
    return str(dest / table / "**" / "*.parquet")


def archive_count(dest: Path, table: str = "positions") -> int:
    return duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{glob_of(dest, table)}', hive_partitioning=true)"
    ).fetchall()[0][0]


def archive_day_counts(dest: Path, table: str = "positions") -> dict[str, int]:
    rows = duckdb.sql(
        f"SELECT CAST(day AS VARCHAR), count(*) FROM read_parquet('{glob_of(dest, table)}', "
        "hive_partitioning=true) GROUP BY ALL"
    ).fetchall()
    return dict(rows)


def parquet_files(dest: Path) -> dict[str, tuple[int, int, int]]:
    """Every Parquet file under ``dest`` (relative path -> (inode, size, mtime_ns))."""
    out = {}
    for p in sorted(dest.rglob("*.parquet")):
        st = p.stat()
        out[p.relative_to(dest).as_posix()] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return out


def leftovers(dest: Path) -> list[str]:
    """Temporary files left anywhere under ``dest``."""
    return sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.name.endswith(".tmp"))


def columns_of(db: Path, table: str) -> list[str]:
    return [r[0] for r in db_query(db, f"SELECT column_name FROM (DESCRIBE {table})")]


def db_day_counts(db: Path, table: str = "positions") -> dict[str, int]:
    return dict(
        db_query(db, f"SELECT CAST((ts AT TIME ZONE 'UTC')::DATE AS VARCHAR), count(*) FROM {table} GROUP BY ALL")
    )


def assert_same_rows(db: Path, dest: Path, table: str = "positions") -> None:
    """The archive's rows of ``table`` are the database's, column for column, value for value."""
    cols = ", ".join(f'"{c}"' for c in columns_of(db, table))
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{db}' AS src (READ_ONLY)")
        want = con.sql(f"SELECT {cols} FROM src.{table} ORDER BY ALL").df()
        got = con.sql(
            f"SELECT {cols} FROM read_parquet('{glob_of(dest, table)}', hive_partitioning=true) ORDER BY ALL"
        ).df()
    finally:
        con.close()
    assert len(got) == len(want)
    pd.testing.assert_frame_equal(got, want)


def cli(*args: str) -> int:
    """``maritime ARGS`` in this process (fast; use ``tests.conftest.run_cli`` to see stderr
    and exit status of a real process)."""
    from maritime.cli import main

    return main(list(args))


# -- a real S3-compatible server ---------------------------------------------------------------


@pytest.fixture(scope="session")
def s3_endpoint():
    """``http://127.0.0.1:PORT`` of a moto S3 server, with dummy AWS credentials in the environment."""
    server_mod = pytest.importorskip("moto.server", reason="moto[server] is not installed")
    with pytest.MonkeyPatch.context() as mp:
        for k, v in S3_ENV.items():
            mp.setenv(k, v)
        mp.delenv("AWS_PROFILE", raising=False)
        import logging

        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one log line per request otherwise
        server = server_mod.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        try:
            host, port = server.get_host_and_port()
            yield f"http://{host}:{port}"
        finally:
            server.stop()


@pytest.fixture
def s3(s3_endpoint: str, monkeypatch, request):
    """A fresh bucket on the S3 server: ``s3.url(prefix)``, ``s3.fs``, ``s3.bucket``."""
    import pyarrow.fs as pafs

    for k, v in S3_ENV.items():
        monkeypatch.setenv(k, v)
    bucket = re.sub(r"[^a-z0-9-]", "-", request.node.name.lower())[:50].strip("-") or "bucket"

    class S3:
        endpoint = s3_endpoint
        fs = pafs.S3FileSystem(
            access_key="testing",
            secret_key="testing",
            region="us-east-1",
            scheme="http",
            endpoint_override=s3_endpoint.split("://", 1)[1],
            allow_bucket_creation=True,
        )

        def __init__(self) -> None:
            self.bucket = bucket
            self.fs.create_dir(bucket)

        def url(self, prefix: str = "ais") -> str:
            return (
                f"s3://{self.bucket}/{prefix}?endpoint_override={s3_endpoint}&region=us-east-1"
                "&scheme=http&allow_bucket_creation=true"
            )

        def files(self, prefix: str = "ais") -> dict[str, tuple[int, object]]:
            sel = pafs.FileSelector(f"{self.bucket}/{prefix}", recursive=True, allow_not_found=True)
            return {
                i.path: (i.size, i.mtime)
                for i in self.fs.get_file_info(sel)
                if i.type == pafs.FileType.File and i.path.endswith(".parquet")
            }

        def count(self, table: str, prefix: str = "ais") -> int:
            import pyarrow.dataset as ds

            return ds.dataset(
                f"{self.bucket}/{prefix}/{table}", filesystem=self.fs, format="parquet", partitioning="hive"
            ).count_rows()

    return S3()


@pytest.fixture(autouse=True)
def _no_debug(monkeypatch):
    """Errors as users see them (one line), whatever the developer's environment says."""
    monkeypatch.delenv("MARITIME_DEBUG", raising=False)
    monkeypatch.delenv("MARITIME_DB", raising=False)
    monkeypatch.delenv("MARITIME_CHUNK_BYTES", raising=False)
