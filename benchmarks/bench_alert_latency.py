"""Alert latency through ``maritime serve``: a report's arrival → the webhook receiving its alert.

    python benchmarks/bench_alert_latency.py [--rate 5000] [--seconds 30] [--listed 40] [--detect-every 10]

Starts ``maritime serve --listen udp://127.0.0.1:PORT --watchlist L --sinks S`` (a real process,
detection on, the default watch-list rule) and sends it ``--rate`` AIS messages a second over UDP
(one NMEA line per datagram, in ten bursts a second): Class A position reports of 10,000
unlisted vessels, each every 2 s with a moving position. ``--listed`` watch-listed vessels
appear one at a time after ``--warmup`` seconds; each keeps reporting every second. A
signature-checking webhook receiver on 127.0.0.1 stamps each alert; latency is from sending a
listed vessel's first report to the receipt of its alert. Prints the median, 95th percentile and
maximum, the rate achieved, and the load average (the machine may be shared).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from maritime.alerts.webhook import verify  # noqa: E402
from maritime.scenario.payloads import nmea_checksum, pack_sixbit, payload_strings  # noqa: E402

SECRET = "bench-latency-secret"
BACKGROUND = 10_000
LISTED_BASE = 412_500_000


def position_lines(mmsi: np.ndarray, lat: np.ndarray, lon: np.ndarray, t: int) -> list[str]:
    """Type 1 reports (3 kn north) of ``mmsi`` at ``lat``/``lon``, tag-blocked with time ``t``."""
    n = len(mmsi)
    chars, fill = pack_sixbit(
        [(1, 6), (0, 2), (mmsi, 30), (0, 4), (-128, 8), (30, 10), (1, 1)]
        + [(np.round(lon * 600000).astype(np.int64), 28), (np.round(lat * 600000).astype(np.int64), 27)]
        + [(0, 12), (0, 9), (t % 60, 6), (0, 2), (0, 3), (0, 1), (0, 19)],
        n,
    )
    tag = f"s:bench,c:{t}"
    head = f"\\{tag}*{nmea_checksum(tag):02X}\\!"
    out = []
    for p in payload_strings(chars):
        body = f"AIVDM,1,1,,A,{p},{fill}"
        out.append(f"{head}{body}*{nmea_checksum(body):02X}\n")
    return out


class Receiver:
    """Webhook receiver: checks the HMAC, stamps the first receipt per MMSI."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: dict[int, float] = {}
        self.bad = 0
        me = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                now = time.time()
                if not verify(body, SECRET.encode(), self.headers.get("X-Maritime-Signature", "")):
                    me.bad += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                doc = json.loads(body)
                with me.lock:
                    for a in doc.get("alerts", [doc]):
                        me.received.setdefault(int(a["payload"]["mmsi"]), now)
                self.send_response(200)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rate", type=int, default=5000, help="messages per second offered (default %(default)s)")
    ap.add_argument("--seconds", type=float, default=30.0, help="how long to send (default %(default)s)")
    ap.add_argument("--listed", type=int, default=40, help="watch-listed vessels that appear (default %(default)s)")
    ap.add_argument(
        "--warmup", type=float, default=10.0, help="seconds before the first listed vessel (default %(default)s)"
    )
    ap.add_argument("--detect-every", default="10", help="serve --detect-every (default %(default)s)")
    ap.add_argument("--alert-every", default="1", help="serve --alert-every (default %(default)s)")
    args = ap.parse_args()

    rng = np.random.default_rng(7)
    tmp = Path(tempfile.mkdtemp(prefix="bench-alert-latency-"))
    listed = np.arange(LISTED_BASE, LISTED_BASE + args.listed)
    (tmp / "listed.csv").write_text("mmsi,reason,source\n" + "".join(f"{m},benchmark,bench\n" for m in listed))
    receiver = Receiver()
    (tmp / "sinks.toml").write_text(
        f'[[sink]]\nname = "hook"\ntype = "webhook"\nurl = "{receiver.url}"\nsecret = "{SECRET}"\n'
    )
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARITIME_")}
    cmd = [sys.executable, "-m", "maritime.cli", "serve", "--db", str(tmp / "bench.duckdb"), "--port", "0"]
    cmd += ["--listen", f"udp://127.0.0.1:{port}", "--detect-every", args.detect_every]
    cmd += [
        "--alert-every",
        args.alert_every,
        "--watchlist",
        str(tmp / "listed.csv"),
        "--sinks",
        str(tmp / "sinks.toml"),
    ]
    proc = subprocess.Popen(cmd, cwd=REPO, env={**env, "PYTHONUNBUFFERED": "1"}, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    line = proc.stderr.readline()
    if "watch floor at" not in line:
        print(line + proc.stderr.read(), file=sys.stderr)
        return 1
    serve_log: list[str] = []
    threading.Thread(target=lambda: serve_log.extend(proc.stderr or []), daemon=True).start()
    time.sleep(1.0)

    bg_lat = rng.uniform(-5.0, 5.0, BACKGROUND)
    bg_lon = rng.uniform(-92.0, -80.0, BACKGROUND)
    bg_mmsi = np.arange(BACKGROUND) + 725_000_000
    per_tick = args.rate // 10
    ticks = int(args.seconds * 10)
    first = args.warmup
    step = max(0.1, (args.seconds - first - 5.0) / max(1, args.listed))
    appear = {int(m): first + i * step for i, m in enumerate(listed)}
    sent_first: dict[int, float] = {}
    sent = 0
    cursor = 0
    load_before = os.getloadavg()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
    t0 = time.time()
    for k in range(ticks):
        due = t0 + k * 0.1
        now_t = int(due)
        idx = (np.arange(per_tick) + cursor) % BACKGROUND
        cursor += per_tick
        lines = position_lines(bg_mmsi[idx], bg_lat[idx] + 0.0001 * k, bg_lon[idx], now_t)
        live = [m for m, at in appear.items() if due - t0 >= at and (m not in sent_first or k % 10 == 0)]
        if live:
            arr = np.array(live)
            lines += position_lines(arr, np.full(len(arr), -0.9) + 0.0001 * k, np.full(len(arr), -90.5), now_t)
        wait = due - time.time()
        if wait > 0:
            time.sleep(wait)
        stamp = time.time()
        for m in live:
            sent_first.setdefault(m, stamp)
        for text in lines:
            sock.sendto(text.encode(), ("127.0.0.1", port))
        sent += len(lines)
    elapsed = time.time() - t0
    deadline = time.time() + 30
    while time.time() < deadline and len(receiver.received) < len(sent_first):
        time.sleep(0.2)
    load_after = os.getloadavg()
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
    lat = np.array([receiver.received[m] - sent_first[m] for m in sent_first if m in receiver.received])
    import duckdb

    with duckdb.connect(str(tmp / "bench.duckdb"), read_only=True) as con:
        queued = dict(
            con.execute("SELECT CAST(payload->>'$.mmsi' AS BIGINT), epoch(enqueued_at) FROM alert_outbox").fetchall()
        )
    to_queue = np.array([queued[m] - sent_first[m] for m in sent_first if m in queued])
    to_hook = np.array([receiver.received[m] - queued[m] for m in sent_first if m in queued and m in receiver.received])
    print(f"offered {sent:,} messages in {elapsed:.1f} s = {sent / elapsed:,.0f} msg/s over UDP")
    print(
        f"watch-listed vessels appeared: {len(sent_first)}, alerts received: {len(lat)}, bad signatures: {receiver.bad}"
    )
    if len(lat):
        p50, p95 = np.percentile(lat, [50, 95])
        print(f"report arrival -> webhook: p50 {p50:.2f} s, p95 {p95:.2f} s, max {lat.max():.2f} s")
        for label, part in (("report sent -> alert queued", to_queue), ("alert queued -> webhook", to_hook)):
            if len(part):
                a, b = np.percentile(part, [50, 95])
                print(f"  of which {label}: p50 {a:.2f} s, p95 {b:.2f} s")
    print("serve: " + " ".join(x.strip() for x in serve_log if "stopped" in x))
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} ({os.cpu_count()} cores)")
    return 0 if len(lat) == len(sent_first) else 1


if __name__ == "__main__":
    sys.exit(main())
