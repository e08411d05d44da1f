"""Alert delivery benchmark: enqueue → webhook receipt latency at a steady offered rate.

    python benchmarks/bench_alerts.py [--rate 5000] [--share 0.02] [--redetect 0.5] [--seconds 30]

A producer thread offers ``--rate`` events a second in 10 ticks a second. A ``--share`` of them
raise an alert, which is enqueued into a DuckDB outbox file; a ``--redetect`` fraction of the
alerts are re-enqueued later unchanged (an extended event), which must be a no-op. A delivery
thread (:class:`maritime.alerts.delivery.Delivery` on the wall clock) drains the outbox into a
webhook sink, and a signature-checking HTTP receiver on 127.0.0.1 stamps each receipt. Latency
is from the enqueue call to the receipt; the script prints its median, 95th percentile and
maximum, and whether every alert arrived exactly once.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from maritime.alerts.delivery import Delivery, DeliverySettings  # noqa: E402
from maritime.alerts.model import Alert  # noqa: E402
from maritime.alerts.outbox import Outbox  # noqa: E402
from maritime.alerts.webhook import WebhookSink, verify  # noqa: E402

SECRET = b"bench-secret"


class Receiver:
    """A webhook receiver that checks signatures and stamps the first receipt of each alert."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: dict[str, float] = {}
        self.repeats = 0
        self.bad = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                now = time.time()
                ok = verify(body, SECRET, self.headers.get("X-Maritime-Signature", ""))
                doc = json.loads(body)
                ids = [f"{a['alert_id']}/{a['revision']}" for a in doc.get("alerts", [doc])]
                with receiver.lock:
                    if not ok:
                        receiver.bad += 1
                    for i in ids:
                        if i in receiver.received:
                            receiver.repeats += 1
                        else:
                            receiver.received[i] = now
                self.send_response(200 if ok else 401)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=float, default=5000, help="events offered per second")
    ap.add_argument("--share", type=float, default=0.02, help="fraction of events that raise an alert")
    ap.add_argument("--redetect", type=float, default=0.5, help="fraction of alerts re-enqueued unchanged")
    ap.add_argument("--seconds", type=float, default=30)
    args = ap.parse_args()

    receiver = Receiver()
    folder = tempfile.TemporaryDirectory()
    outbox = Outbox(duckdb.connect(str(Path(folder.name) / "bench.duckdb")), ["hook"])
    sink = WebhookSink("hook", receiver.url, SECRET, timeout_seconds=10)
    delivery = Delivery(outbox, [sink], time.time, settings=DeliverySettings(batch=200))
    stop = threading.Event()
    deliverer = threading.Thread(target=delivery.run, args=(stop, 0.02), daemon=True)
    deliverer.start()

    rng = random.Random(7)
    enqueued_at: dict[str, float] = {}
    earlier: list[Alert] = []
    base = datetime(2024, 5, 1)
    per_tick = args.rate / 10
    offered = 0
    enqueue_s: list[float] = []
    t_start = time.time()
    tick = 0
    while time.time() - t_start < args.seconds:
        due = t_start + tick * 0.1
        time.sleep(max(0.0, due - time.time()))
        n_events = int(per_tick * (tick + 1)) - int(per_tick * tick)
        offered += n_events
        fresh = [
            Alert(f"ev-{offered}-{i}", "rule-a", "medium", base + timedelta(seconds=offered), {"mmsi": 200000000 + i})
            for i in range(n_events)
            if rng.random() < args.share
        ]
        again = [a for a in earlier if rng.random() < args.redetect / 10]
        t0 = time.time()
        outcomes = outbox.enqueue(fresh + again, t0)
        enqueue_s.append(time.time() - t0)
        for o in outcomes:
            if o.outcome == "new":
                enqueued_at[f"{o.alert_id}/1"] = t0
        earlier = (earlier + fresh)[-500:]
        tick += 1
    deadline = time.time() + 60
    while time.time() < deadline and len(receiver.received) < len(enqueued_at):
        time.sleep(0.1)
    stop.set()
    deliverer.join(5)

    lat = np.array([receiver.received[k] - t for k, t in enqueued_at.items() if k in receiver.received])
    elapsed = time.time() - t_start
    print(
        f"offered {offered} events in {args.seconds:.0f} s ({offered / args.seconds:,.0f}/s); "
        f"{len(enqueued_at)} alerts ({len(enqueued_at) / args.seconds:,.0f}/s), re-detections no-op"
    )
    print(f"enqueue per tick: median {np.median(enqueue_s) * 1e3:.1f} ms, max {np.max(enqueue_s) * 1e3:.1f} ms")
    if len(lat):
        p50, p95 = np.percentile(lat, [50, 95])
        print(
            f"enqueue -> webhook receipt: p50 {p50 * 1e3:.0f} ms, p95 {p95 * 1e3:.0f} ms, max {lat.max() * 1e3:.0f} ms"
        )
    missing = len(enqueued_at) - len(receiver.received)
    print(
        f"received {len(receiver.received)} of {len(enqueued_at)} (missing {missing}), repeats {receiver.repeats}, "
        f"bad signatures {receiver.bad}; outbox {outbox.counts()}; wall {elapsed:.1f} s"
    )
    receiver.server.shutdown()
    folder.cleanup()


if __name__ == "__main__":
    main()
