"""The identity history rebuilt from an archive's identity reports equals the database's.

A database builds ``identity_history`` at ingest, batch by batch; the archive holds only the
identity reports. ``archive_identity_changes`` replays the store's code and SQL over them,
and must give exactly the rows the single-machine run reads (``read_identity_changes``):

* the bundled Eastern Pacific sample (real NMEA through the real ingest: 31,740 identity
  reports, names, call signs, types, IMO numbers and dimensions of 200 vessels);
* the watch-listed recording (NMEA: a listed hull whose IMO number comes back under a new
  MMSI, name, call sign and flag after two hours dark) plus the labelled identity cases of
  issue 13's kinds scenario (renames at sea and in port, a call sign changed after dark, a
  name flip-flopping between two transmitters, flag changes at sea and in port, claimed
  lengths changing at sea and in port, a declared type changing at sea), appended through
  ``Store.append`` in hourly batches, as an ingest does;
* the same reports archived twice (two origins), by ``maritime ingest --archive``, and to
  an S3-compatible server.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from maritime.archive.export import mirror_database
from maritime.archive.identity import archive_identity_changes
from maritime.archive.layout import open_archive
from maritime.detect.identity_change import IdentityChanges
from maritime.detect.runner import EPOCH0, read_identity_changes
from maritime.ingest.options import IngestOptions
from maritime.ingest.recordings import ingest_paths
from maritime.scenario.positions import insert_positions
from maritime.scenario.watchlisted import watchlisted_recording
from maritime.store.database import Store
from tests.archive.conftest import cli
from tests.detect.kinds_cases import kinds_identity_reports, kinds_positions, store_identity_reports

#: The kinds scenario starts here (UTC seconds); the watch-listed recording two hours later.
KINDS_START = datetime(2025, 1, 15, 18, 0, tzinfo=UTC).timestamp()
WATCH_START = datetime(2025, 1, 15, 20, 0, tzinfo=UTC)


def rows(ch: IdentityChanges | None) -> list[tuple]:
    assert ch is not None
    return sorted(zip(ch.mmsi.tolist(), ch.t.tolist(), ch.field, ch.value, ch.previous))


def db_changes(db: Path) -> list[tuple]:
    store = Store(db, read_only=True)
    try:
        return rows(read_identity_changes(store.con, EPOCH0))
    finally:
        store.close()


def watch_file(folder: Path) -> Path:
    path = folder / "watchlisted.nmea"
    path.write_text("\n".join(watchlisted_recording(start=WATCH_START).lines) + "\n")
    return path


def build_identity_db(db: Path, seed: int = 7) -> None:
    """Kinds positions and identity reports (hourly batches, time order) and the watch-listed
    recording, in a database on disk, as ingest stores them."""
    store = Store(db)
    try:
        insert_positions(store.con, kinds_positions(KINDS_START, seed))
        store_identity_reports(store, kinds_identity_reports(KINDS_START, seed))
        ingest_paths(store, [str(watch_file(db.parent))], IngestOptions(progress=False))
    finally:
        store.close()


@pytest.fixture(scope="module")
def identity_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("identity") / "identity.duckdb"
    build_identity_db(db)
    return db


def archived_to(db: Path, dest: str):
    con = Store(db, read_only=True).con
    try:
        arch = open_archive(dest)
        mirror_database(con, arch)
    finally:
        con.close()
    return arch


def archived(db: Path, dest: Path):
    return archived_to(db, str(dest))


def test_sample_history_is_rebuilt_from_the_archive(sample_db_master, tmp_path):
    want = db_changes(sample_db_master)
    got = rows(archive_identity_changes(archived(sample_db_master, tmp_path / "arch")))
    assert len(want) > 1000
    assert {"name", "callsign", "ship_type", "imo"} <= {r[2] for r in want}
    assert got == want


def test_identity_cases_are_rebuilt_from_the_archive(identity_db, tmp_path):
    want = db_changes(identity_db)
    got = rows(archive_identity_changes(archived(identity_db, tmp_path / "arch")))
    changed = {r[2] for r in want if r[4] is not None}  # a real change, not a first value
    assert {"name", "callsign", "ship_type", "length"} <= changed
    # the watch-listed hull's IMO number under its old and its new MMSI
    rec = watchlisted_recording(start=WATCH_START)
    imo = str(rec.listed[0].imo)
    assert {r[0] for r in want if r[2] == "imo" and r[3] == imo} == {rec.listed[0].mmsi, rec.renamed.mmsi}
    assert got == want


def test_reports_archived_twice_count_once(identity_db, tmp_path):
    arch = archived(identity_db, tmp_path / "arch")
    for f in list(Path(arch.path("identity_reports")).rglob("*.parquet")):
        shutil.copy(f, f.with_name(f.name.replace("part-db-", "part-db-copy-")))
    assert len(list(Path(arch.path("identity_reports")).rglob("*.parquet"))) >= 2
    assert rows(archive_identity_changes(arch)) == db_changes(identity_db)


def test_ingest_archive_gives_the_history_of_a_database_ingest(tmp_path):
    src = watch_file(tmp_path)
    db = tmp_path / "db.duckdb"
    assert cli("ingest", "--no-progress", "--db", str(db), str(src)) == 0
    dest = tmp_path / "arch"
    assert cli("ingest", "--no-progress", "--archive", str(dest), str(src)) == 0
    want = db_changes(db)
    assert any(r[2] == "name" and r[4] is None for r in want)
    assert rows(archive_identity_changes(open_archive(str(dest)))) == want


def test_history_from_an_s3_archive(identity_db, s3):
    """An archive on an S3-compatible server (a real one on 127.0.0.1) is read the same way."""
    assert rows(archive_identity_changes(archived_to(identity_db, s3.url("ident")))) == db_changes(identity_db)


def test_no_identity_reports_no_history(tmp_path):
    db = tmp_path / "positions_only.duckdb"
    store = Store(db)
    insert_positions(store.con, kinds_positions(KINDS_START))
    store.close()
    assert archive_identity_changes(archived(db, tmp_path / "arch")) is None
