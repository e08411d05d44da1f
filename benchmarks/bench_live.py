"""Live feed benchmark: a 5,000 messages/s TCP feed on 127.0.0.1, receipt to queryable.

    python benchmarks/bench_live.py [--rate 5000] [--seconds 60]

A feed server replays the generator's Eastern Pacific recording at ``--rate`` sentences a
second, stamping each line's tag block with the moment it is sent (``c:`` in ms). The
`maritime` live path (TcpFeed → LiveIngest → DuckDB) runs in this process, and a reader
thread polls the database through its own cursor, as the dashboard will. Latency is the
time from sending a line to its position being returned by a query; the script prints its
median, 95th percentile and maximum, and whether everything sent was stored.
"""

from __future__ import annotations

import argparse
import re
import socket
import sys
import threading
import time
from functools import reduce
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_ingest import OUT, make_recording  # noqa: E402

_TAG = re.compile(rb"^\\([^\\]*)\\(.*)$")


def restamp(line: bytes, ms: int) -> bytes:
    """The line with its tag block's time replaced by ``ms`` (and its checksum mended)."""
    m = _TAG.match(line)
    if not m:
        return line
    fields = [f for f in m.group(1).split(b"*")[0].split(b",") if not f.startswith(b"c:")]
    tag = b",".join(fields + [b"c:%d" % ms])
    cs = reduce(lambda a, c: a ^ c, tag, 0)
    return b"\\" + tag + b"*%02X\\" % cs + m.group(2)


def serve(lines: list[bytes], rate: int, seconds: float, port_box: list, done: threading.Event) -> None:
    server = socket.create_server(("127.0.0.1", 0))
    port_box.append(server.getsockname()[1])
    conn, _ = server.accept()
    tick = 0.01
    per_tick = max(1, int(rate * tick))
    start = time.monotonic()
    i = 0
    while time.monotonic() - start < seconds:
        now_ms = int(time.time() * 1000)
        batch = [restamp(lines[(i + k) % len(lines)], now_ms) for k in range(per_tick)]
        i += per_tick
        conn.sendall(b"\n".join(batch) + b"\n")
        target = start + (i / per_tick) * tick
        delay = target - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    done.set()
    time.sleep(2.0)
    conn.close()
    server.close()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rate", type=int, default=5000, help="sentences per second (default 5000)")
    p.add_argument("--seconds", type=float, default=60.0)
    args = p.parse_args()

    from maritime.ingest.live import LiveIngest
    from maritime.ingest.options import IngestOptions
    from maritime.sources.tcp import TcpFeed
    from maritime.store.database import Store

    src = make_recording(24.0, 1000, 11)
    lines = [ln for ln in src.read_bytes().splitlines()[:400_000] if ln.startswith(b"\\")]
    db = OUT / "live.duckdb"
    for suffix in ("", ".wal"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    store = Store(db)
    port_box: list[int] = []
    sent_all = threading.Event()
    threading.Thread(target=serve, args=(lines, args.rate, args.seconds, port_box, sent_all), daemon=True).start()
    while not port_box:
        time.sleep(0.01)
    feed = TcpFeed("127.0.0.1", port_box[0])
    live = LiveIngest(store, [feed], IngestOptions())
    stop = threading.Event()
    runner = threading.Thread(target=live.run, args=(stop,))
    runner.start()

    reader = store.cursor()
    lags: list[float] = []
    time.sleep(1.0)
    while not sent_all.is_set():
        newest = reader.execute("SELECT epoch_ms(max(ts)) FROM positions").fetchone()[0]
        if newest is not None:
            lags.append(time.time() - newest / 1000.0)
        time.sleep(0.05)
    time.sleep(1.5)
    stop.set()
    runner.join()
    c = live.counts
    lags.sort()
    p50 = lags[len(lags) // 2]
    p95 = lags[int(len(lags) * 0.95)]
    print(
        f"feed: {c['lines_read']:,} lines in {args.seconds:.0f} s "
        f"({c['lines_read'] / args.seconds:,.0f} lines/s offered at {args.rate:,}/s)"
    )
    print(
        f"stored: {c['positions_stored']:,} positions, {c['identities_stored']:,} identity reports, "
        f"{c['rejected']:,} rejected lines"
    )
    print(
        f"receipt to queryable (newest stored position vs wall clock, polled every 50 ms, {len(lags)} polls): "
        f"median {p50:.2f} s, p95 {p95:.2f} s, max {lags[-1]:.2f} s"
    )
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
