"""The ingest-health tab on the sample database."""

from __future__ import annotations

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
