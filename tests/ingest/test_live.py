"""Live feeds end to end: real TCP and UDP sockets on 127.0.0.1 into DuckDB on disk."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import duckdb

from maritime.ingest.live import LiveIngest
from maritime.ingest.options import IngestOptions
from maritime.sources.tcp import TcpFeed
from maritime.sources.udp import UdpFeed
from maritime.store.database import Store
from tests.conftest import run_cli

EE_TAGGED = "amsa-risky/ais/src/test/resources/exact-earth-with-tag-block.txt"


def _wait(predicate, timeout: float = 10.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_tcp_drop_mid_line_loses_and_duplicates_nothing(tmp_path: Path, corpus: Path) -> None:
    lines = [ln for ln in (corpus / EE_TAGGED).read_bytes().splitlines() if ln]
    cut = 101  # line index at which the first connection dies half-way through a line
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    connections = []

    def serve() -> None:
        conn, _ = server.accept()
        connections.append(conn)
        payload = b"\r\n".join(lines[:cut]) + b"\r\n"
        for i in range(0, len(payload), 37):  # arbitrary split points, mid-line
            conn.sendall(payload[i : i + 37])
            time.sleep(0.001)
        conn.sendall(lines[cut][: len(lines[cut]) // 2])  # half a line, then the drop
        time.sleep(0.2)
        conn.close()
        conn, _ = server.accept()  # the client reconnects
        connections.append(conn)
        conn.sendall(b"\n".join(lines[cut:]) + b"\n")
        time.sleep(0.5)
        conn.close()

    threading.Thread(target=serve, daemon=True).start()
    store = Store(tmp_path / "live.duckdb")
    feed = TcpFeed("127.0.0.1", port, watchdog_s=5.0, backoff_initial_s=0.05, backoff_max_s=0.2)
    live = LiveIngest(store, [feed], IngestOptions(), flush_s=0.1)
    stop = threading.Event()
    runner = threading.Thread(target=live.run, args=(stop,))
    runner.start()
    assert _wait(lambda: live.counts["lines_read"] >= len(lines)), live.counts
    stop.set()
    runner.join(timeout=10)
    assert not runner.is_alive()
    assert len(connections) == 2 and feed.status.partial_discarded == 1
    positions, rejects = store.con.execute(
        "SELECT (SELECT count(*) FROM positions), (SELECT count(*) FROM rejects)"
    ).fetchone()
    reasons = store.con.execute("SELECT reason, raw FROM rejects LIMIT 3").fetchall()
    assert positions == 178 and rejects == 0, reasons  # the file's 178 fixes, each once
    assert live.counts["lines_read"] == len(lines)
    store.close()


def test_udp_lines_without_time_take_arrival_time(tmp_path: Path, corpus: Path) -> None:
    raw = [ln for ln in (corpus / "gfw-ais-tools/sample/mixed_types.nmea").read_bytes().splitlines() if ln]
    store = Store(tmp_path / "udp.duckdb")
    feed = UdpFeed("127.0.0.1", 0)
    live = LiveIngest(store, [feed], IngestOptions(), flush_s=0.1)
    stop = threading.Event()
    runner = threading.Thread(target=live.run, args=(stop,))
    runner.start()
    before = time.time()
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i in range(0, len(raw), 5):
        sender.sendto(b"\r\n".join(raw[i : i + 5]) + b"\r\n", ("127.0.0.1", feed.port))
    assert _wait(lambda: live.counts["lines_read"] >= len(raw))
    stop.set()
    runner.join(timeout=10)
    n, lo, hi, station = store.con.execute(
        "SELECT count(*), min(epoch(ts)), max(epoch(ts)), any_value(station) FROM positions"
    ).fetchone()
    assert n == 30
    assert before - 1 <= lo <= hi <= time.time() + 1
    assert station == feed.url  # a feed without station tags is its own station
    store.close()


def _udp_port_bound(port: int) -> bool:
    """Whether a UDP socket is bound to ``port`` (Linux: /proc/net/udp), without binding it."""
    try:
        table = Path("/proc/net/udp").read_text().splitlines()[1:]
    except OSError:
        time.sleep(1.5)
        return True
    return any(line.split()[1].endswith(f":{port:04X}") for line in table)


def test_listen_command_commits_on_stop(tmp_path: Path, corpus: Path) -> None:
    """`maritime listen` with a real UDP sender; it ends cleanly with everything committed."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    lines = [ln for ln in (corpus / EE_TAGGED).read_bytes().splitlines() if ln]
    db = tmp_path / "l.duckdb"

    def send() -> None:
        _wait(lambda: _udp_port_bound(port), timeout=30)  # the CLI takes a while to start under load
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for i in range(0, len(lines), 10):
            s.sendto(b"\n".join(lines[i : i + 10]) + b"\n", ("127.0.0.1", port))
            time.sleep(0.002)

    threading.Thread(target=send, daemon=True).start()
    result = run_cli("listen", f"udp://127.0.0.1:{port}", "--db", str(db), "--duration", "4")
    assert result.returncode == 0, result.stderr
    assert "positions stored" in result.stdout
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM positions").fetchone()[0] == 178
    assert con.execute("SELECT status FROM ingest_runs").fetchone()[0] == "complete"
    con.close()


def test_listen_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    """SIGINT (Ctrl-C) ends `maritime listen` with everything received committed."""
    import os
    import signal
    import subprocess
    import sys

    from tests.conftest import FIXTURES, REPO

    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    db = tmp_path / "c.duckdb"
    proc = subprocess.Popen(
        [sys.executable, "-m", "maritime.cli", "listen", f"udp://127.0.0.1:{port}", "--db", str(db)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=os.environ.copy(),
    )
    try:
        assert proc.stderr is not None
        assert b"listening" in proc.stderr.readline()  # the socket is bound
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for line in (FIXTURES / "amsa_exact_earth_tagblock_excerpt.nmea").read_bytes().splitlines():
            sender.sendto(line + b"\n", ("127.0.0.1", port))
        time.sleep(1.0)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert b"positions stored" in out and b"Traceback" not in err
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM positions").fetchone()[0] == 49
    con.close()


def test_each_feed_run_gets_its_own_counters(tmp_path: Path, corpus: Path) -> None:
    raw = [ln for ln in (corpus / "gfw-ais-tools/sample/mixed_types.nmea").read_bytes().splitlines() if ln]
    store = Store(tmp_path / "two.duckdb")
    feeds = [UdpFeed("127.0.0.1", 0), UdpFeed("127.0.0.1", 0)]
    live = LiveIngest(store, feeds, IngestOptions(), flush_s=0.1)
    stop = threading.Event()
    runner = threading.Thread(target=live.run, args=(stop,))
    runner.start()
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sent = {feeds[0].url: raw, feeds[1].url: raw[:10]}
    for feed in feeds:
        for line in sent[feed.url]:
            sender.sendto(line + b"\r\n", ("127.0.0.1", feed.port))
    assert _wait(lambda: live.counts["lines_read"] >= len(raw) + 10)
    stop.set()
    runner.join(timeout=10)
    rows = dict(store.con.execute("SELECT source, lines_read FROM ingest_runs").fetchall())
    store.close()
    assert rows == {url: len(lines) for url, lines in sent.items()}
