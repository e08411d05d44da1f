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

    def endless_cycle(live):
        started.set()
        live.con.execute("SELECT count(*) FROM range(100000000000::BIGINT) r WHERE r % 7 = 3").fetchall()

    monkeypatch.setattr(runtime.LiveDetection, "cycle", endless_cycle)
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


def test_live_detection_keeps_the_zones_detect_stored(tmp_path, capsys):
    """detect --zones ours, then the detection serve runs: events and zones stay ``ours``."""
    import argparse
    import json

    from maritime.demo import sample_path
    from maritime.detect.cli import cmd_detect
    from maritime.ingest.recordings import ingest_paths

    db = tmp_path / "live.duckdb"
    s = Store(db)
    try:
        ingest_paths(s, [str(sample_path())], IngestOptions(progress=False))
    finally:
        s.close()
    ours = tmp_path / "ours.geojson"
    square = [[[-179, -60], [-60, -60], [-60, 60], [-179, 60], [-179, -60]]]
    feature = {
        "type": "Feature",
        "properties": {"name": "Ours"},
        "geometry": {"type": "Polygon", "coordinates": square},
    }
    ours.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    ns = argparse.Namespace(db=str(db), zones=str(ours), config=None, engine="duckdb", archive=None, scheduler=None)
    assert cmd_detect(ns) == 0
    capsys.readouterr()

    store = Store(db)
    try:
        health, stop = Health([]), threading.Event()
        t = threading.Thread(target=runtime.detection_thread, args=(store, health, 60.0, stop))
        t.start()
        deadline = time.monotonic() + 120
        while health.detection.get("last_run") is None and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()
        t.join()
        assert health.detection["error"] is None and health.detection["last_run"] is not None
        cur = store.cursor()
        assert {r[0] for r in cur.execute("SELECT name FROM zones").fetchall()} == {"Ours"}
        assert {r[0] for r in cur.execute("SELECT DISTINCT zone FROM events").fetchall()} == {"Ours"}
        assert cur.execute("SELECT zones_source FROM detection_settings").fetchall() == [(str(ours),)]
        cur.close()
    finally:
        store.close()


def test_live_detection_updates_vessel_risk(tmp_path):
    """Each detection cycle of the live process brings vessel risk up to date (incrementally)."""
    from maritime.demo import sample_path
    from maritime.ingest.recordings import ingest_paths

    store = Store(tmp_path / "risk.duckdb")
    try:
        ingest_paths(store, [str(sample_path())], IngestOptions(progress=False))
        health, stop = Health([]), threading.Event()
        t = threading.Thread(target=runtime.detection_thread, args=(store, health, 60.0, stop))
        t.start()
        deadline = time.monotonic() + 120
        while health.detection.get("last_run") is None and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()
        t.join()
        assert health.detection["error"] is None
        cur = store.cursor()
        with_events = cur.execute("SELECT count(DISTINCT mmsi) FROM events").fetchall()[0][0]
        assert (
            cur.execute("SELECT count(*) FROM vessel_risk_latest WHERE score > 0").fetchall()[0][0] >= with_events > 0
        )
        cur.close()
    finally:
        store.close()
