"""The ingest-health tab on the sample database."""

from __future__ import annotations

import threading

from maritime.dashboard import health
from maritime.dashboard import state as st

from .conftest import WALL, now, text_of


def test_health_panel_shows_feeds_rates_rejects_and_stations(cur):
    snap = {
        "feeds": [
            {
                "url": "tcp://127.0.0.1:5631",
                "connected": False,
                "last_line_at": WALL.timestamp() - 600,
                "lines": 1200,
                "reconnects": 3,
                "last_error": "Connection refused",
                "rate": 0.0,
                "state": "silent",
            }
        ],
        "rate": 12.5,
        "counts": {"positions_stored": 900, "rejected": 4, "rejected_checksum": 4},
        "detection": {"available": True, "last_run": WALL.timestamp() - 5, "seconds": 0.4, "events": 2},
    }
    text = text_of(health.health_panel(cur, snap, st.ViewState(), now(cur)))
    for expected in (
        "tcp://127.0.0.1:5631",
        "silent",
        "Connection refused",
        "12.5",
        "checksum",
        "rPanama-Balboa",
        "orphan_fragment",
        "Detection: last run",
    ):
        assert expected in text


def test_udp_kernel_drops_show_in_the_feed_chips_and_the_feed_table(cur):
    """A real UDP feed flooded before anyone reads it: the datagrams the kernel dropped reach
    the top bar ("N dropped") and the feed table through the live process's snapshot."""
    import socket

    from maritime.runtime import Health
    from maritime.sources.udp import UdpFeed

    with UdpFeed("127.0.0.1", 0) as feed:
        health_ = Health([feed])
        assert "dropped" not in text_of(health.feed_chips(health_.snapshot()))
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        datagram = b"!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0*5C\n" * 20
        for _ in range(2 * feed.status.receive_buffer // len(datagram) + 1000):  # overflow the buffer
            sender.sendto(datagram, ("127.0.0.1", feed.port))
        sender.close()
        stop = threading.Event()
        next(iter(feed.lines(stop)))  # the feed reads the kernel's drop counter as it reads
        stop.set()
    dropped = feed.status.dropped
    assert dropped > 0
    snap = health_.snapshot()
    assert f"{dropped:,} dropped" in " ".join(text_of(health.feed_chips(snap)).split())
    table = text_of(health.health_panel(cur, snap, st.ViewState(), now(cur)))
    assert "dropped" in table and f"{dropped:,}" in table
