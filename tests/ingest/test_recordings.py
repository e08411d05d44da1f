"""End-to-end ingest of real recordings into DuckDB on disk: counts, idempotence, resume."""

from __future__ import annotations

import bz2
import gzip
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from functools import reduce
from pathlib import Path

import duckdb
import pytest

from maritime.decode.pipeline import DecodeOptions
from maritime.ingest.options import IngestOptions
from maritime.ingest.recordings import ingest_paths
from maritime.store.database import Store
from tests.conftest import REPO, run_cli

EE_TAGGED = "amsa-risky/ais/src/test/resources/exact-earth-with-tag-block.txt"


def _checksum(body: bytes) -> int:
    return reduce(lambda a, c: a ^ c, body, 0)


def shifted_copies(lines: list[bytes], copies: int, step_s: int) -> bytes:
    """Real tag-blocked lines repeated ``copies`` times, each copy ``step_s`` later.

    The tag-block times and checksums are rewritten, so every copy is a distinct, valid
    recording of the same traffic.
    """
    out = []
    for k in range(copies):
        for line in lines:
            m = re.match(rb"\\(.*)\*[0-9A-F]{2}\\(.*)", line)
            tag = re.sub(rb"c:(\d+)", lambda mm: b"c:%d" % (int(mm.group(1)) + k * step_s), m.group(1))
            out.append(b"\\" + tag + b"*%02X\\" % _checksum(tag) + m.group(2))
    return b"\n".join(out) + b"\n"


def table_counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("positions", "identity_reports", "rejects", "vessels", "identity_history")
        }
    finally:
        con.close()


def test_amsa_tagged_file_matches_amsa_expectations(tmp_path: Path, corpus: Path) -> None:
    """AMSA's own test expects 200 decoded messages and 178 position fixes in this file."""
    store = Store(tmp_path / "t.duckdb")
    summary = ingest_paths(store, [str(corpus / EE_TAGGED)], IngestOptions())
    c = summary.counts
    assert c["decoded"] == 200
    assert c["positions_stored"] == 178
    assert c["rejected"] == 0
    assert c["lines_read"] == 221
    row = store.con.execute(
        "SELECT lat, heading, cog, epoch_ms(ts), station FROM positions WHERE mmsi = 636091763"
    ).fetchone()
    assert row[0] == pytest.approx(-13.0884285, abs=1e-6)
    assert row[1] == 67 and row[2] == pytest.approx(67.2, abs=1e-4)
    assert row[3] == 1334337317000 and row[4] == "rEV02"
    store.close()


def test_same_file_twice_stores_nothing_new(tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "t.duckdb"
    src = corpus / "pyais/tests/mixed.txt"
    first = run_cli("ingest", "--db", str(db), "--no-progress", str(src))
    assert first.returncode == 0, first.stderr
    before = table_counts(db)
    # the same content under another name is recognised too
    copy = tmp_path / "renamed.nmea"
    copy.write_bytes(src.read_bytes())
    second = run_cli("ingest", "--db", str(db), "--no-progress", str(src), str(copy))
    assert second.returncode == 0, second.stderr
    assert "already ingested" in second.stdout
    assert table_counts(db) == before


def test_overlapping_recordings_store_each_transmission_once(tmp_path: Path, corpus: Path) -> None:
    """Two files holding the same transmissions (two stations) store them once."""
    lines = (corpus / EE_TAGGED).read_bytes().splitlines()
    a = tmp_path / "a.nmea"
    b = tmp_path / "b.nmea"
    a.write_bytes(b"\n".join(lines) + b"\n")
    b.write_bytes(b"\n".join(re.sub(rb"s:rEV02", b"s:rEV09", ln) for ln in lines) + b"\n")
    # b's tag checksums are now wrong for the edited lines: fix them
    b.write_bytes(shifted_copies(b.read_bytes().splitlines(), 1, 0))
    store = Store(tmp_path / "t.duckdb")
    ingest_paths(store, [str(a)], IngestOptions())
    summary = ingest_paths(store, [str(b)], IngestOptions())
    assert summary.counts["positions_stored"] == 0
    assert summary.counts["duplicates"] >= 178
    n, heard = store.con.execute("SELECT count(*), max(n_stations) FROM positions").fetchone()
    assert n == 178 and heard == 2
    store.close()


@pytest.mark.parametrize("compress", ["gzip", "bz2"])
def test_compressed_inputs(tmp_path: Path, corpus: Path, compress: str) -> None:
    raw = (corpus / EE_TAGGED).read_bytes()
    path = tmp_path / ("x.nmea.gz" if compress == "gzip" else "x.nmea.bz2")
    path.write_bytes(gzip.compress(raw) if compress == "gzip" else bz2.compress(raw))
    store = Store(tmp_path / "t.duckdb")
    summary = ingest_paths(store, [str(path)], IngestOptions())
    assert summary.counts["positions_stored"] == 178
    store.close()


def test_folder_and_stdin(tmp_path: Path, corpus: Path) -> None:
    folder = tmp_path / "day"
    folder.mkdir()
    (folder / "a.nmea").write_bytes((corpus / EE_TAGGED).read_bytes())
    (folder / "notes.md").write_text("not AIS")
    db = tmp_path / "t.duckdb"
    result = run_cli("ingest", "--db", str(db), "--no-progress", str(folder))
    assert result.returncode == 0, result.stderr
    assert table_counts(db)["positions"] == 178
    piped = run_cli(
        "ingest", "--db", str(tmp_path / "s.duckdb"), "-", input=(corpus / "pyais/tests/timestamped.ais").read_bytes()
    )
    assert piped.returncode == 0, piped.stderr
    assert table_counts(tmp_path / "s.duckdb")["positions"] == 4


def test_file_without_time_is_refused_with_start_hint(tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "t.duckdb"
    src = corpus / "gfw-ais-tools/sample/mixed_types.nmea"
    result = run_cli("ingest", "--db", str(db), str(src))
    assert result.returncode == 2
    err = result.stderr
    assert "--start" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    ok = run_cli("ingest", "--db", str(db), "--start", "2024-01-31T05:00:00Z", str(src))
    assert ok.returncode == 0, ok.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT min(epoch(ts)) FROM positions").fetchone()[0] == 1706677200
    con.close()


def test_unreadable_gzip_is_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "broken.nmea.gz"
    bad.write_bytes(gzip.compress(b"\\c:1334337317*58\\!AIVDM,1,1,,B,19NWuLhuRb5QHfCpPcwj`26B0<02,0*5F\n" * 100)[:60])
    result = run_cli("ingest", "--db", str(tmp_path / "t.duckdb"), str(bad))
    err = result.stderr
    assert result.returncode == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1


def _summary_numbers(text: str) -> dict[str, str]:
    return dict(re.findall(r"^(\S.*?)\s{2,}([\d,]+)$", text, flags=re.M))


def test_killed_ingest_resumes_to_the_same_counts(tmp_path: Path, corpus: Path) -> None:
    """SIGKILL an ingest part-way, rerun it: the database and the summary match a clean run."""
    lines = (corpus / EE_TAGGED).read_bytes().splitlines()
    big = tmp_path / "big.nmea"
    big.write_bytes(shifted_copies(lines, 400, 600))  # 88,400 lines
    env = {"MARITIME_CHUNK_BYTES": "65536"}  # many small batches, so the kill lands mid-file

    clean_db = tmp_path / "clean.duckdb"
    clean = run_cli("ingest", "--db", str(clean_db), "--no-progress", str(big), env=env)
    assert clean.returncode == 0, clean.stderr

    db = tmp_path / "killed.duckdb"
    proc = subprocess.Popen(
        [sys.executable, "-m", "maritime.cli", "ingest", "--db", str(db), "--no-progress", str(big)],
        cwd=REPO,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # Kill once a few batches are committed (the WAL has grown), well before the end.
    wal = Path(str(db) + ".wal")
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size > 300_000:
            break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    con = duckdb.connect(str(db), read_only=True)
    status = con.execute("SELECT status FROM source_files").fetchall()
    partial = con.execute("SELECT count(*) FROM positions").fetchone()[0]
    con.close()
    assert status == [("in_progress",)], "the kill should land before the end of the file"
    assert 0 < partial < table_counts(clean_db)["positions"]

    resumed = run_cli("ingest", "--db", str(db), "--no-progress", str(big), env=env)
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed" in resumed.stdout
    assert _summary_numbers(resumed.stdout) == _summary_numbers(clean.stdout)
    assert table_counts(db) == table_counts(clean_db)
    con = duckdb.connect(str(db), read_only=True)
    runs = con.execute("SELECT status FROM ingest_runs ORDER BY run_id").fetchall()
    con.close()
    assert runs == [("interrupted",), ("complete",)]  # the killed run is marked when the next one starts


def test_csv_inputs_marinecadastre_detected_and_mapping(tmp_path: Path) -> None:
    """Decoded CSV: the MarineCadastre layout is detected; any CSV loads with --columns."""
    from tests.conftest import FIXTURES

    db = tmp_path / "csv.duckdb"
    mc = run_cli("ingest", "--db", str(db), "--no-progress", str(FIXTURES / "marinecadastre_sample.csv"))
    assert mc.returncode == 0, mc.stderr
    solent = run_cli(
        "ingest",
        "--db",
        str(db),
        "--no-progress",
        "--columns",
        "mmsi=MMSI,ts=Time,lat=Latitude_degrees,lon=Longitude_degrees,sog=SOG_knots,cog=COG_degrees",
        str(FIXTURES / "solent_excerpt.csv"),
    )
    assert solent.returncode == 0, solent.stderr
    con = duckdb.connect(str(db), read_only=True)
    # 49 + 500 rows less the rejects; one Solent row is there twice (one transmission, stored once)
    assert con.execute("SELECT count(*) FROM positions").fetchone()[0] == 539
    assert con.execute("SELECT count(*) FROM rejects WHERE source LIKE '%marinecadastre%'").fetchone()[0] == 7
    # Solent times keep their milliseconds
    assert (
        con.execute(
            "SELECT count(*) FROM positions WHERE mmsi IN (SELECT mmsi FROM positions) AND epoch_ms(ts) % 1000 <> 0"
        ).fetchone()[0]
        > 0
    )
    con.close()


def test_demo_sample_matches_its_ground_truth(tmp_path: Path) -> None:
    """The bundled sample: every count the generator's truth file states, exactly."""
    import json

    from tests.conftest import FIXTURES

    sample = FIXTURES / "eastern_pacific_sample.nmea.gz"
    truth = json.loads(Path(str(sample) + ".truth.json").read_text())
    store = Store(tmp_path / "demo.duckdb")
    c = ingest_paths(store, [str(sample)], IngestOptions()).counts
    store.close()
    assert c["lines_read"] == truth["lines_total"]
    assert c["positions_stored"] == truth["position_reports_unique"]
    assert c["no_position"] == truth["position_reports_no_position"]
    assert c["identities_stored"] == truth["identity_transmissions_unique"]
    assert c["duplicates"] == truth["duplicate_receptions"]
    assert c["skipped_non_ais"] == truth["non_ais_nmea"]
    assert c["rejected_checksum"] == truth["bad_checksum"]
    assert c["rejected_tagblock_checksum"] == truth["bad_tagblock_checksum"]
    assert c["rejected_no_checksum"] == truth["truncated"]
    assert c["rejected_not_nmea"] == truth["junk"]
    assert c["rejected_orphan_fragment"] + c["rejected_stale_fragment"] == truth["orphan_fragments"]
    for t, n in truth["other_messages"].items():
        assert c[f"other_type_{t}"] == n
    assert c["rejected"] == sum(v for k, v in c.items() if k.startswith("rejected_"))


@pytest.mark.parametrize(
    "name, positions, identities, rejected",
    [
        ("amsa_exact_earth_tagblock_excerpt.nmea", 49, 5, 1),  # tag blocks, g: groups; ends on an orphan part 1
        ("libais_uscg_typeexamples.nmea", 3, 2, 2),  # USCG trailers; two positions out of range
        ("pyais_gatehouse_pghp.nmea", 4, 0, 1),  # $PGHP times; one PGHP with a bad checksum
    ],
)
def test_bundled_real_excerpts(tmp_path: Path, name: str, positions: int, identities: int, rejected: int) -> None:
    """Real recordings in each wrapper format, from fixtures/ais/ (no corpus needed)."""
    from tests.conftest import FIXTURES

    store = Store(tmp_path / "x.duckdb")
    c = ingest_paths(store, [str(FIXTURES / name)], IngestOptions()).counts
    times = store.con.execute("SELECT count(*) FROM positions WHERE ts < TIMESTAMPTZ '2000-01-01'").fetchone()[0]
    store.close()
    assert (c["positions_stored"], c["identities_stored"], c["rejected"]) == (positions, identities, rejected)
    assert times == 0  # every position has its recorded receive time


def test_resume_at_every_batch_boundary_gives_the_clean_counts(tmp_path: Path, corpus: Path, monkeypatch) -> None:
    """Stop after each committed batch in turn and resume: the counts never differ from a
    clean run. Two-part tag-block groups whose parts straddle a batch boundary, and lines
    whose times jump by hours, used to be judged by where the batch ended."""
    from maritime.ingest.options import IngestOptions
    from maritime.ingest.recordings import ingest_paths
    from maritime.store.database import Store

    lines = (corpus / EE_TAGGED).read_bytes().splitlines()
    big = tmp_path / "big.nmea"
    big.write_bytes(shifted_copies(lines, 60, 600))
    monkeypatch.setenv("MARITIME_CHUNK_BYTES", "65536")
    options = IngestOptions(progress=False)

    def run(db: Path) -> dict:
        store = Store(db)
        try:
            summary = ingest_paths(store, [str(big)], options)
        finally:
            store.close()
        return {k: v for k, v in summary.counts.items() if k != "lines_resumed"}

    clean = run(tmp_path / "clean.duckdb")
    clean_tables = table_counts(tmp_path / "clean.duckdb")
    assert clean["rejected"] == 0  # the recording is clean: every group assembles
    original = Store.append
    stop_after = 1
    while True:
        db = tmp_path / f"stop{stop_after}.duckdb"
        calls = []

        def append(self, *args, **kwargs):
            out = original(self, *args, **kwargs)
            calls.append(1)
            if len(calls) >= stop_after:
                raise KeyboardInterrupt
            return out

        monkeypatch.setattr(Store, "append", append)
        try:
            run(db)
            finished = True
        except KeyboardInterrupt:
            finished = False
        monkeypatch.setattr(Store, "append", original)
        if finished:
            break
        run(db)
        assert table_counts(db) == clean_tables, f"stopped after batch {stop_after}"
        stop_after += 1
    assert stop_after > 5


EXCERPT = "amsa_exact_earth_tagblock_excerpt.nmea"


def _ingest_bytes(tmp_path: Path, name: str, data: bytes, **options: object) -> tuple[Counter[str], Store]:
    path = tmp_path / name
    path.write_bytes(data)
    store = Store(tmp_path / f"{name}.duckdb")
    counts = ingest_paths(store, [str(path)], IngestOptions(**options)).counts  # type: ignore[arg-type]
    return counts, store


def test_runaway_line_is_cut_counted_and_the_rest_stored(tmp_path: Path) -> None:
    """3 MB of NULs without a line end in the middle of a file: cut at 64 KiB, one reject
    whose stored raw is capped, and every line after it stored as in a clean run."""
    from tests.conftest import FIXTURES

    lines = (FIXTURES / EXCERPT).read_bytes().splitlines(keepends=True)
    clean, store = _ingest_bytes(tmp_path, "clean.nmea", b"".join(lines))
    store.close()
    half = len(lines) // 2
    data = b"".join(lines[:half]) + b"\0" * 3_000_000 + b"\n" + b"".join(lines[half:])
    for chunk_bytes in (4096, 1 << 20, 24 << 20):
        got, store = _ingest_bytes(tmp_path, f"nul{chunk_bytes}.nmea", data, chunk_bytes=chunk_bytes)
        longest = store.con.execute("SELECT max(length(raw)) FROM rejects").fetchone()[0]
        store.close()
        assert got["lines_cut"] == 1
        assert got["positions_stored"] == clean["positions_stored"]
        assert got["identities_stored"] == clean["identities_stored"]
        assert got["rejected"] == clean["rejected"] + 1
        assert longest <= 4096


def test_lone_cr_ends_a_line_in_files(tmp_path: Path) -> None:
    from tests.conftest import FIXTURES

    text = (FIXTURES / EXCERPT).read_bytes().replace(b"\r\n", b"\n")
    clean, store = _ingest_bytes(tmp_path, "lf.nmea", text)
    store.close()
    got, store = _ingest_bytes(tmp_path, "cr.nmea", text.replace(b"\n", b"\r"), chunk_bytes=100)
    store.close()
    assert got["lone_cr_line_ends"] == text.count(b"\n")
    for key in ("lines_read", "positions_stored", "identities_stored", "rejected"):
        assert got[key] == clean[key], key


def test_summary_names_the_option_when_every_line_fails_for_one_reason(tmp_path: Path) -> None:
    from tests.conftest import FIXTURES

    text = (FIXTURES / EXCERPT).read_bytes()
    dummy = re.sub(rb"\*[0-9A-F]{2}\\", rb"*00\\", text)  # every tag-block checksum a placeholder
    path = tmp_path / "dummy.nmea"
    path.write_bytes(dummy)
    store = Store(tmp_path / "t.duckdb")
    summary = ingest_paths(store, [str(path)], IngestOptions())
    assert summary.counts["rejected_tagblock_checksum"] == summary.counts["rejected"] > 0
    assert "--accept-dummy-tag-checksum" in "\n".join(summary.lines())

    csv_path = tmp_path / "positions.csv"
    csv_path.write_text("1Ship,2When,3Y,4X\n" + "".join(f"{i},2024-01-01T00:00:0{i},1,2\n" for i in range(5)))
    summary = ingest_paths(store, [str(csv_path)], IngestOptions())
    store.close()
    assert summary.counts["rejected_not_nmea"] == summary.counts["rejected"] == 6
    assert "--columns" in "\n".join(summary.lines())


@pytest.mark.parametrize("suffix", ["gz", "bz2"])
def test_truncated_archive_stores_what_it_can_and_a_rerun_completes(tmp_path: Path, suffix: str) -> None:
    from tests.conftest import FIXTURES

    lines = (FIXTURES / EXCERPT).read_bytes().splitlines()
    text = shifted_copies(lines, 400, 3600)
    whole = gzip.compress(text) if suffix == "gz" else bz2.compress(text, 1)
    clean_db, db = tmp_path / "clean.duckdb", tmp_path / "t.duckdb"
    full = tmp_path / f"full.nmea.{suffix}"
    full.write_bytes(whole)
    assert run_cli("ingest", "--db", str(clean_db), "--no-progress", str(full)).returncode == 0
    cut = tmp_path / f"cut.nmea.{suffix}"
    cut.write_bytes(whole[: len(whole) * 2 // 3])
    result = run_cli("ingest", "--db", str(db), "--no-progress", str(cut))
    err = result.stderr
    assert result.returncode == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert "truncated" in err
    con = duckdb.connect(str(db), read_only=True)
    stored = con.execute("SELECT count(*) FROM positions").fetchone()[0]
    reasons = con.execute("SELECT reason FROM rejects WHERE reason LIKE 'truncated%'").fetchall()
    con.close()
    assert stored > 0 and len(reasons) == 1 and f"{len(whole) * 2 // 3:,}" in reasons[0][0]
    assert run_cli("ingest", "--db", str(db), "--no-progress", str(full)).returncode == 0
    assert table_counts(db)["positions"] == table_counts(clean_db)["positions"]


def test_one_unreadable_file_in_a_folder_does_not_stop_the_others(tmp_path: Path) -> None:
    from tests.conftest import FIXTURES

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_bad.nmea.gz").write_bytes(b"\x1f\x8b" + b"\xff" * 200)  # gzip magic, then garbage
    (folder / "b_good.nmea").write_bytes((FIXTURES / EXCERPT).read_bytes())
    db = tmp_path / "t.duckdb"
    result = run_cli("ingest", "--db", str(db), "--no-progress", str(folder))
    err = result.stderr
    assert result.returncode == 2 and len(err.strip().splitlines()) == 1 and "a_bad.nmea.gz" in err, err
    assert "b_good.nmea: ingested" in result.stdout
    assert table_counts(db)["positions"] > 0


def _table_rows(store: Store, query: str) -> list[tuple[object, ...]]:
    return store.con.execute(query).fetchall()


def test_reingest_replaces_a_files_rows_and_options_change_the_fingerprint(tmp_path: Path) -> None:
    from tests.conftest import FIXTURES

    good = (FIXTURES / EXCERPT).read_bytes()
    lines = good.splitlines(keepends=True)
    damaged = b"".join(lines[:10]) + lines[10].replace(b"!AIVDM", b"!AIVDX") + b"".join(lines[11:])
    clean_store = Store(tmp_path / "clean.duckdb")
    ingest_paths(clean_store, [str(FIXTURES / EXCERPT)], IngestOptions())
    src = tmp_path / "rec.nmea"
    src.write_bytes(damaged)
    store = Store(tmp_path / "t.duckdb")
    ingest_paths(store, [str(src)], IngestOptions())
    src.write_bytes(good)  # the repaired copy, same path
    summary = ingest_paths(store, [str(src)], IngestOptions(reingest=True))
    assert "earlier rows replaced" in summary.sources[0][1]
    for query in (
        "SELECT count(*), sum(n_stations) FROM positions",
        "SELECT count(*) FROM identity_reports",
        "SELECT count(*) FROM rejects",
        "SELECT * FROM vessels ORDER BY mmsi",
        "SELECT * FROM identity_history ORDER BY mmsi, ts, field",
    ):
        assert _table_rows(store, query) == _table_rows(clean_store, query), query

    # the same file with an option that changes what is stored is a new input
    again = ingest_paths(store, [str(src)], IngestOptions(decode=DecodeOptions(default_station="other")))
    assert again.sources[0][1] == "ingested"
    store.close()
    clean_store.close()


def test_station_names_and_free_text_are_capped(tmp_path: Path) -> None:
    body = b"!AIVDM,1,1,,B,19NWuLhuRb5QHfCpPcwj`26B0<02,0*5F"
    tag = b"s:" + b"S" * 10_000 + b",c:1334337317"
    data = b"\\" + tag + b"*%02X\\" % _checksum(tag) + body + b"\n"
    got, store = _ingest_bytes(tmp_path, "long_station.nmea", data)
    longest = store.con.execute("SELECT max(length(station)) FROM positions").fetchone()[0]
    store.close()
    assert got["positions_stored"] == 1 and longest == 64
    result = run_cli("ingest", "--db", str(tmp_path / "t.duckdb"), "--station", "x" * 65, "-")
    assert result.returncode == 2 and "station name" in result.stderr
