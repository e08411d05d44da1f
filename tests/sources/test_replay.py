"""The replay source: data times of recorded lines, and pacing by them."""

from __future__ import annotations

import gzip
import threading
import time

from maritime.sources.replay import ReplayFeed, line_data_time


def test_line_data_time():
    assert line_data_time(rb"\s:rEC-Manta,c:1736899207*5A\!AIVDM,1,1,,A,x,0*00") == 1736899207.0
    assert line_data_time(rb"\c:1736899207123,s:x*00\!AIVDM,1,1,,A,x,0*00") == 1736899207.123
    assert line_data_time(rb"\g:2-2-77*00\!AIVDM,2,2,7,A,x,0*00") is None
    assert line_data_time(b"!AIVDM,1,1,,A,x,0*26,d-109,S2105,t000100.00,T56.1,D08MN-XX-RNS1,1325394001") == 1325394001.0


def test_replay_is_paced_by_data_time(tmp_path):
    path = tmp_path / "r.nmea.gz"
    lines = [rf"\s:st,c:{1736899200 + 2 * i}*00\!AIVDM,1,1,,A,x{i},0*00".encode() for i in range(6)]
    lines.insert(3, rb"\g:2-2-9*00\!AIVDM,2,2,9,A,y,0*00")  # no time of its own
    path.write_bytes(gzip.compress(b"\n".join(lines) + b"\n"))
    feed = ReplayFeed(path, speed=20.0)  # 10 s of data in 0.5 s
    t0 = time.monotonic()
    got = list(feed.lines(threading.Event()))
    elapsed = time.monotonic() - t0
    assert [g.line for g in got] == lines and all(g.source == "replay://r.nmea.gz" for g in got)
    assert 0.4 <= elapsed < 2.0
    assert feed.finished and feed.status.lines == 7 and feed.data_time == 1736899210.0
    stop = threading.Event()
    stop.set()
    assert list(ReplayFeed(path, 1.0).lines(stop)) == []
