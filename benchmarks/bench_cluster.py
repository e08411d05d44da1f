"""Scale benchmark of the two detection engines and of the Parquet archive: prints figures.

    python benchmarks/bench_cluster.py [--sizes 1,10,30] [--workers 2] [--partition-rows 2000000]

1. Datasets of about 1, 10 and 30 million positions from the scenario generator, written
   straight to DuckDB (``benchmarks/out/scale_<N>m.duckdb``; the 10 M one is the detection
   benchmark's month), then archived with ``maritime archive`` (``benchmarks/out/archive_<N>m``).
2. Archive size: bytes per position in Parquet (positions folder only) against the DuckDB
   file and the raw NMEA of the ingest benchmark's recording.
3. Each size, each engine, in a child process: full detection wall time and peak memory.
   The single-machine engine: ``maritime detect`` over DuckDB (max RSS of the process). The
   Dask engine: a ``LocalCluster`` of ``--workers`` single-threaded worker processes over
   the archive (max RSS of each worker, and of the client/scheduler process). The two
   engines' events are compared (sha1 of the sorted rows).
4. Projection: workers a global day (500 M messages, 86 % positions) needs to finish in an
   hour, from the measured cost per position of the Dask engine at the largest size.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
OUT = ROOT / "benchmarks" / "out"
NMEA = OUT / "pacific_11_1000v_24h.nmea"  # made by bench_ingest.py


def dataset(size_m: int) -> Path:
    """The DuckDB file of about ``size_m`` million positions (built when missing)."""
    import bench_detect

    path = OUT / ("detect_month.duckdb" if size_m == 10 else f"scale_{size_m}m.duckdb")
    if not path.exists():
        vessels = 1000 if size_m <= 10 else 3000
        bench_detect.build_dataset(path, size_m * 1_000_000, seed=13, vessels=vessels)
    return path


def archive(db: Path, size_m: int) -> tuple[Path, float]:
    """The archive of ``db`` (written when missing) and the seconds it took."""
    dest = OUT / f"archive_{size_m}m"
    if (dest / "positions").exists():
        return dest, float("nan")
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "maritime.cli", "archive", "--db", str(db), str(dest)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return dest, time.perf_counter() - t


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*.parquet"))


def events_digest(rows) -> tuple[int, str]:
    from maritime.detect.planning import norm_row

    norm = sorted(norm_row(r) for r in rows)
    return len(norm), hashlib.sha1(repr(norm).encode()).hexdigest()[:12]


def phase_single(db: str) -> None:
    """(child) Full single-machine detection over DuckDB."""
    from bench_detect import full_detection

    con, s, dt = full_detection(db)
    rows = con.execute(
        "SELECT event_id, kind, mmsi, other_mmsi, start_time, end_time, lat, lon, zone, confidence, details FROM events"
    ).fetchall()
    n, digest = events_digest(rows)
    print(
        json.dumps(
            {
                "seconds": dt,
                "positions": s.positions,
                "events": n,
                "digest": digest,
                "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def _worker_maxrss() -> float:
    import resource as r

    return r.getrusage(r.RUSAGE_SELF).ru_maxrss / 1024


def phase_dask(dest: str, workers: int, partition_rows: int, db: str) -> None:
    """(child) Full detection over the archive on a LocalCluster, with the anchorages the
    single-machine run learned in ``db`` (as ``maritime detect --engine dask --db`` does)."""
    import logging

    import duckdb
    from dask.distributed import Client, LocalCluster

    from maritime.archive.layout import open_archive
    from maritime.detect.anchorage_store import stored_points
    from maritime.detect.cluster import detect_on_cluster
    from maritime.detect.config import load_config

    con = duckdb.connect(db)
    anchorages = stored_points(con, load_config())
    con.close()

    logging.getLogger("distributed").setLevel(logging.ERROR)
    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cl,
        Client(cl) as client,
    ):
        t = time.perf_counter()
        s = detect_on_cluster(client, open_archive(dest), rows_per_partition=partition_rows, anchorages=anchorages)
        dt = time.perf_counter() - t
        rss = sorted(client.run(_worker_maxrss).values())
    n, digest = events_digest([e.row() for e in s.events])
    print(
        json.dumps(
            {
                "seconds": dt,
                "positions": s.positions,
                "events": n,
                "digest": digest,
                "partitions": s.vessel_partitions,
                "stages": s.seconds,
                "worker_maxrss_mb": rss,
                "client_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def child(phase: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", phase, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    if out.returncode != 0:
        return {"error": (out.stderr.strip().splitlines() or ["killed"])[-1], "returncode": out.returncode}
    return json.loads(out.stdout.strip().splitlines()[-1])


def projection(n: int, pq_bytes: int, db_bytes: int, dask: dict, workers: int, partition_rows: int) -> None:
    """Workers a global day needs to finish in an hour, from the measured per-partition cost."""
    parts = dask["partitions"]
    # core-seconds of one full partition (the run's core-seconds per position x partition rows)
    per_part = {k: v * workers * partition_rows / n for k, v in dask["stages"].items()}
    cost = sum(per_part.values())
    day = 500e6 * 0.86  # positions in a global day of 500 M messages
    day_parts = day / partition_rows
    core_s = day_parts * cost
    print(f"\nprojection (from {n / 1e6:.0f} M positions in {parts} partitions of <= {partition_rows / 1e6:g} M):")
    print(
        "  core-seconds per partition: "
        + ", ".join(f"{k} {v:.1f}" for k, v in per_part.items())
        + f"; total {cost:.1f}"
    )
    print(
        f"  a global day: 500 M messages x 86 % positions = {day / 1e6:.0f} M positions = {day_parts:.0f} "
        f"partitions = {core_s / 3600:.1f} core-hours at this machine's per-core speed"
    )
    parquet_gb = day * pq_bytes / n / 1e9
    shuffle_gb = day * 54 / 1e9  # the numeric columns that travel between workers, 54 bytes a row
    print(
        f"  I/O of that day: {parquet_gb:.1f} GB of Parquet read (from S3 at an assumed 100 MB/s per worker: "
        f"{parquet_gb / 0.1 / 60:.0f} worker-minutes), {shuffle_gb:.0f} GB shuffled by vessel (over an assumed "
        f"1 Gbit/s per worker: {shuffle_gb / 0.125 / 60:.0f} worker-minutes)"
    )
    total_h = (core_s + parquet_gb / 0.1 + shuffle_gb / 0.125) / 3600
    print(
        f"  compute and I/O together: {total_h:.1f} worker-hours; to finish in one hour: "
        f"{math.ceil(total_h):d} single-core worker(s), {math.ceil(total_h * 4):d} with 4x headroom (denser "
        f"waters, stragglers, a global reception model); each {max(dask['worker_maxrss_mb']) / 1024:.1f} GB "
        "of memory at most"
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1,10,30", help="dataset sizes in millions of positions")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--partition-rows", type=int, default=2_000_000)
    ap.add_argument("--phase")
    ap.add_argument("args", nargs="*")
    a = ap.parse_args()
    if a.phase == "single":
        phase_single(*a.args)
        return 0
    if a.phase == "dask":
        phase_dask(a.args[0], int(a.args[1]), int(a.args[2]), a.args[3])
        return 0

    OUT.mkdir(parents=True, exist_ok=True)
    print(
        f"machine: {os.cpu_count()} cores; Dask: {a.workers} single-threaded workers, "
        f"{a.partition_rows:,} positions per vessel partition",
        flush=True,
    )
    results = []
    for size in [int(x) for x in a.sizes.split(",")]:
        db = dataset(size)
        dest, arch_s = archive(db, size)
        import duckdb

        con = duckdb.connect(str(db), read_only=True)
        n = con.execute("SELECT count(*) FROM positions").fetchall()[0][0]
        con.close()
        pq_b = folder_bytes(dest / "positions")
        db_b = db.stat().st_size
        made = "archive cached" if arch_s != arch_s else f"archive written in {arch_s:.1f} s"
        print(
            f"\n{n:,} positions: {made}; bytes per position: Parquet {pq_b / n:.1f}, DuckDB {db_b / n:.1f}", flush=True
        )
        single = child("single", str(db))
        dask = child("dask", str(dest), str(a.workers), str(a.partition_rows), str(db))  # after single: its anchorages
        for name, r in (("duckdb", single), ("dask", dask)):
            if "error" in r:
                print(f"  {name:<6} failed: {r['error']}", flush=True)
                continue
            mem = (
                f"peak {r['maxrss_mb']:,.0f} MB"
                if name == "duckdb"
                else f"peak per worker {max(r['worker_maxrss_mb']):,.0f} MB "
                f"({', '.join(f'{x:,.0f}' for x in r['worker_maxrss_mb'])}), client {r['client_maxrss_mb']:,.0f} MB"
                f", {r['partitions']} partitions"
            )
            print(
                f"  {name:<6} {r['seconds']:7.1f} s  {r['positions'] / r['seconds'] / 1e6:5.2f} M positions/s  "
                f"{mem}; {r['events']:,} events [{r['digest']}]",
                flush=True,
            )
        if "error" not in dask:
            print("  dask stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in dask["stages"].items()))
        if "error" not in single and "error" not in dask:
            print(f"  identical events: {'yes' if single['digest'] == dask['digest'] else 'NO'}")
        results.append((n, pq_b, db_b, dask))
    if NMEA.exists():
        nmea_pos = 1_032_110  # positions stored from this recording (bench_ingest.py)
        print(
            f"\nraw NMEA: {NMEA.stat().st_size / nmea_pos:.1f} bytes per stored position "
            f"({NMEA.name}: every sentence, identities and duplicates included)"
        )
    last = [r for r in results if "error" not in r[3]]
    if last:
        projection(*last[-1], workers=a.workers, partition_rows=a.partition_rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
