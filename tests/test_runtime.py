"""The live process's health and feed monitor (no UI)."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest

from maritime import runtime
from maritime.ingest.options import IngestOptions
from maritime.runtime import Health, monitor_thread
from maritime.sources.replay import ReplayFeed
from maritime.store.database import Store


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "runtime.duckdb")
    yield s
    s.close()


def test_health_snapshot_rates_and_states(tmp_path):
    path = tmp_path / "r.nmea"
    path.write_text("")
    replay = ReplayFeed(path, 1.0)
    h = Health([replay], silence_s=60)
    h.on_commit(Counter(decoded=120, positions_stored=100, rejected=2, rejected_checksum=2))
    snap = h.snapshot()
    assert snap["counts"]["rejected_checksum"] == 2 and snap["rate"] > 0
    assert snap["feeds"][0]["state"] == "replaying"
    list(replay.lines(threading.Event()))
    assert h.snapshot()["feeds"][0]["state"] == "finished"


def test_a_silent_feed_raises_an_alert_and_clears_it(store):
    from maritime.sources.live import FeedStatus

    class FakeFeed:
        def __init__(self) -> None:
            self.url = "tcp://127.0.0.1:9"
            self.status = FeedStatus(self.url, connected=True, last_line_at=time.time() - 60)

    feed = FakeFeed()
    health = Health([feed], silence_s=5)
    stop = threading.Event()
    t = threading.Thread(target=monitor_thread, args=(store, health, stop, 0.05))
    t.start()
    try:
        cur = store.cursor()
        deadline = time.time() + 5
        while time.time() < deadline and not cur.execute("SELECT count(*) FROM feed_alerts").fetchone()[0]:
            time.sleep(0.05)
        assert health.snapshot()["feeds"][0]["state"] == "silent"
        assert cur.execute("SELECT feed, resolved_at FROM feed_alerts").fetchall() == [(feed.url, None)]
        feed.status.last_line_at = time.time()  # lines flow again
        while (
            time.time() < deadline
            and cur.execute("SELECT count(*) FROM feed_alerts WHERE resolved_at IS NULL").fetchone()[0]
        ):
            time.sleep(0.05)
        assert cur.execute("SELECT count(*) FROM feed_alerts WHERE resolved_at IS NOT NULL").fetchone()[0] == 1
    finally:
        stop.set()
        t.join()


def test_close_interrupts_a_detection_query_under_way(store, monkeypatch):
    started = threading.Event()

    def endless_detection(cur):
        started.set()
        cur.execute("SELECT count(*) FROM range(100000000000::BIGINT) r WHERE r % 7 = 3").fetchall()

    monkeypatch.setattr(runtime, "run_detection", endless_detection)
    health = Health([])
    rt = runtime.Runtime(store, [], IngestOptions(), health, detect_every_s=0.05)
    rt.start()
    assert started.wait(10)
    time.sleep(0.3)
    t0 = time.monotonic()
    assert rt.close(time.monotonic() + 5)
    assert time.monotonic() - t0 < 2 and not any(t.is_alive() for t in rt.threads)
    assert health.snapshot()["detection"].get("error") is None  # a stop is not a failure
    store.cursor().execute("SELECT 1").fetchall()  # the connection is still usable, and closes cleanly
