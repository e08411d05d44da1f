"""Bulk ingest benchmark: throughput on one core, the plain pyais way, peak memory.

    python benchmarks/bench_ingest.py                # bulk + baseline on ~2M messages
    python benchmarks/bench_ingest.py --big-gb 3     # also peak memory on a ~3 GB file

What it measures (issue: "AIS ingest", section Speed):

* **bulk**: end to end — read, frame, decode, assemble, deduplicate, store in DuckDB — on a
  realistic Eastern Pacific recording from the project's seeded generator (tag blocks, about
  85 % position reports, duplicates and bad lines), pinned to one CPU core so DuckDB's own
  threads share that core too. The first run in the process is cold: it pays the start-up
  (numba loading its compiled kernels, once per process whatever the input). ``--repeat``
  more runs, each into a fresh database, give the sustained rate of a long replay or a
  live feed (their median). Both are printed;
* **baseline**: the plain way on the same file — a pyais loop over the lines into a pandas
  DataFrame, then one DuckDB insert — and the ratio;
* **memory**: the peak resident memory of `maritime ingest` (a child process) on a file of
  several GB, made by repeating the recording later in time.

Files are cached in benchmarks/out/.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from _tiling import write_tiled  # noqa: E402


def make_recording(hours: float, vessels: int, seed: int) -> Path:
    """A cached generator recording (uncompressed NMEA with tag blocks).

    Terrestrial-network reporting rates (Class A every 10-30 s underway, Class B 30-60 s,
    moored 3 min, static data every 6 min as ITU-R M.1371 sets it) give about 85 %
    position reports, the mix of a shore feed.
    """
    from maritime.scenario import ScenarioConfig, write_recording

    path = OUT / f"pacific_{seed}_{vessels}v_{hours:g}h.nmea"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        config = ScenarioConfig(
            seed=seed,
            hours=hours,
            n_vessels=vessels,
            events=False,
            class_a_interval_s=(10.0, 30.0),
            class_b_interval_s=(30.0, 60.0),
        )
        write_recording(str(path), config)
    return path


_TAGGED = re.compile(rb"^\\(?:g:[^,*]*,)?s:([^,*]*),c:(\d+)\*[0-9A-F]{2}\\(.*)$")
_GROUP_PART = re.compile(rb"^\\g:[^*]*\*[0-9A-F]{2}\\(.*)$")


def as_uscg(src: Path) -> Path:
    """The recording in the USCG NAIS layout: no tag blocks, the receiver and the receive
    time in a trailer after the checksum (``!AIVDM,...*hh,s…,d…,T…,x…,r<station>,<unix>``).
    A group's later parts take the receiver and time of its first part."""
    path = src.with_name(src.stem + "_uscg.nmea")
    if path.exists():
        return path
    station, seconds = b"", b"0"
    with open(src, "rb") as f, open(path, "wb") as out:
        for line in f:
            line = line.rstrip(b"\n")
            if m := _TAGGED.match(line):
                station, seconds, body = m.groups()
            elif m := _GROUP_PART.match(line):
                body = m.group(1)
            else:
                out.write(line + b"\n")
                continue
            out.write(body + b",s30000,d-100,T0.0,x0,r" + station + b"," + seconds + b"\n")
    return path


def message_mix(path: Path) -> dict:
    truth = json.loads(Path(str(path) + ".truth.json").read_text())
    by_type = truth["messages_received_valid_by_type"]
    total = sum(by_type.values())
    positions = sum(v for k, v in by_type.items() if k in {"1", "2", "3", "18", "19", "27"})
    return {"messages": total, "position_share": positions / total}


def pin_to_one_core() -> int:
    core = sorted(os.sched_getaffinity(0))[0]
    os.sched_setaffinity(0, {core})
    return core


def _fresh(db: Path) -> None:
    for suffix in ("", ".wal"):
        Path(str(db) + suffix).unlink(missing_ok=True)


def _ingest(path: Path, db: Path):
    from maritime.ingest.options import IngestOptions
    from maritime.ingest.recordings import ingest_paths
    from maritime.store.database import Store

    _fresh(db)
    store = Store(db)
    summary = ingest_paths(store, [str(path)], IngestOptions())
    store.close()
    return summary


def bench_ours(path: Path, db: Path) -> dict:
    """One timed ingest of ``path`` into a fresh database ``db``."""
    t0 = time.perf_counter()
    summary = _ingest(path, db)
    seconds = time.perf_counter() - t0
    c = summary.counts
    return {
        "seconds": seconds,
        "lines": c["lines_read"],
        "messages": c["decoded"],
        "positions_stored": c["positions_stored"],
        "identities_stored": c["identities_stored"],
        "msg_per_s": c["decoded"] / seconds,
        "lines_per_s": c["lines_read"] / seconds,
    }


def bench_plain_pyais(path: Path, db: Path) -> dict:
    """The plain way: pyais per line (its own multi-part assembly) → DataFrame → one insert."""
    import duckdb
    import pandas as pd
    from pyais.stream import FileReaderStream

    _fresh(db)
    t0 = time.perf_counter()
    rows = []
    decoded = 0
    with FileReaderStream(str(path)) as stream:
        for msg in stream:
            try:
                m = msg.decode()
            except Exception:  # noqa: BLE001 - the plain way skips what it cannot decode
                continue
            decoded += 1
            if m.msg_type in (1, 2, 3, 18, 19, 27):
                ts = None
                if msg.tag_block is not None:
                    msg.tag_block.init()
                    ts = msg.tag_block.receiver_timestamp
                rows.append((m.mmsi, ts, m.lat, m.lon, m.speed, m.course, getattr(m, "heading", None), m.msg_type))
    df = pd.DataFrame(rows, columns=["mmsi", "ts", "lat", "lon", "sog", "cog", "heading", "msg_type"])
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE positions AS SELECT * FROM df")
    con.close()
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "messages": decoded, "rows": len(df), "msg_per_s": decoded / seconds}


def bench_memory(src: Path, target_gb: float) -> dict:
    big = OUT / f"big_{target_gb:g}gb.nmea"
    if not big.exists():
        size = src.stat().st_size
        copies = max(1, int(target_gb * 1e9 // size) + 1)
        write_tiled(src.read_bytes(), str(big), copies, shift_s=7 * 86400)
    db = OUT / "big.duckdb"
    _fresh(db)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "maritime.cli", "ingest", "--no-progress", "--db", str(db), str(big)],
        cwd=HERE.parent,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(proc.stderr)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    lines = [
        ln for ln in proc.stdout.splitlines() if ln.startswith(("lines read", "messages decoded", "positions stored"))
    ]
    return {
        "file_gb": big.stat().st_size / 1e9,
        "seconds": seconds,
        "peak_rss_mb": peak_mb,
        "summary": lines,
        "db_gb": db.stat().st_size / 1e9,
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--hours", type=float, default=24.0)
    p.add_argument("--vessels", type=int, default=1000)
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--repeat", type=int, default=3, help="timed runs in the warmed process (median reported)")
    p.add_argument("--no-baseline", action="store_true")
    p.add_argument("--big-gb", type=float, default=0.0, help="also measure peak memory on a file this large")
    args = p.parse_args()

    src = make_recording(args.hours, args.vessels, args.seed)
    mix = message_mix(src)
    print(
        f"recording: {src.name}, {src.stat().st_size / 1e6:.0f} MB, {mix['messages']:,} messages, "
        f"{mix['position_share']:.0%} position reports"
    )
    core = pin_to_one_core()
    print(f"pinned to CPU core {core}")

    import maritime.ingest.recordings  # noqa: F401 - module imports are not part of the figure

    runs = [bench_ours(src, OUT / "bench.duckdb") for _ in range(1 + args.repeat)]
    for label, run in zip(["cold process", *["warm process"] * args.repeat], runs):
        print(
            f"{label:<16}: {run['messages']:,} messages ({run['lines']:,} lines) in {run['seconds']:.2f} s "
            f"= {run['msg_per_s']:,.0f} messages/s, {run['lines_per_s']:,.0f} lines/s; "
            f"stored {run['positions_stored']:,} positions, {run['identities_stored']:,} identity reports"
        )
    warm = sorted(runs[1:], key=lambda run: run["seconds"])[len(runs[1:]) // 2]
    print(
        f"start-up        : {runs[0]['seconds'] - warm['seconds']:.2f} s, once per process "
        "(numba loads its compiled kernels)"
    )
    print(f"maritime ingest : {warm['msg_per_s']:,.0f} messages/s sustained (median of the warm runs)")
    uscg = bench_ours(as_uscg(src), OUT / "bench.duckdb")
    print(
        f"USCG NAIS layout: {uscg['messages']:,} messages in {uscg['seconds']:.2f} s = {uscg['msg_per_s']:,.0f} "
        f"messages/s (the same recording with trailers instead of tag blocks; warm); "
        f"stored {uscg['positions_stored']:,} positions, {uscg['identities_stored']:,} identity reports"
    )
    if not args.no_baseline:
        plain = bench_plain_pyais(src, OUT / "plain.duckdb")
        print(
            f"plain pyais loop: {plain['messages']:,} messages in {plain['seconds']:.2f} s "
            f"= {plain['msg_per_s']:,.0f} messages/s"
        )
        print(f"ratio           : {warm['msg_per_s'] / plain['msg_per_s']:.1f}x")
    if args.big_gb:
        os.sched_setaffinity(0, {core})
        mem = bench_memory(src, args.big_gb)
        decoded = next(
            int(line.split()[-1].replace(",", "")) for line in mem["summary"] if line.startswith("messages decoded")
        )
        print(
            f"memory          : {mem['file_gb']:.2f} GB file ingested in {mem['seconds']:.0f} s "
            f"({decoded / mem['seconds']:,.0f} messages/s, `maritime ingest` in a child process "
            f"on the same core), peak RSS {mem['peak_rss_mb']:.0f} MB, database {mem['db_gb']:.2f} GB"
        )
        for line in mem["summary"]:
            print(f"                  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
