"""The view state: URL round trips, controls, and the data-time window."""

from __future__ import annotations

from datetime import timedelta

from maritime.dashboard import queries as q
from maritime.dashboard import state as st

from .conftest import LATEST, WALL


def test_state_round_trips_through_the_url():
    s = st.ViewState(
        live=False,
        end=1736942400.0,
        win="6h",
        kinds=("loitering", "rendezvous"),
        zones=("Gulf of Panama",),
        statuses=("new",),
        conf=0.5,
        stale=30,
        hide=True,
        mmsi=352847939,
        event="truth-0-loitering",
        view=(-82.0, -77.0, 6.0, 10.0),
        tab="results",
    )
    query = st.state_query(s)
    assert query.startswith("?live=0&end=2025-01-15T12:00:00Z")
    assert st.parse_state(query) == s
    assert st.state_query(st.ViewState()) == ""


def test_bad_url_values_are_ignored():
    s = st.parse_state("?win=99y&kind=loitering,DROP TABLE&conf=7&stale=-1&mmsi=12a&view=1,2,3&tab=x&end=never")
    assert s.win == "24h" and s.kinds == ("loitering",) and s.conf == 0.0 and s.stale == 60
    assert s.mmsi is None and s.view is None and s.tab == "vessel" and s.live and s.end is None
    assert st.parse_state("?status=all").statuses == ()


def test_controls_leave_and_rejoin_live():
    state, live = st.controls_to_state(
        None,
        live=["live"],
        win="6h",
        end_value=1000.0,
        end_max=2000.0,
        kinds=[],
        zones=[],
        statuses=["new"],
        conf=0,
        stale=60,
        hide=[],
        triggered="end-slider",
    )
    assert not live and state["end"] == 1000.0 and not state["live"]
    state, live = st.controls_to_state(
        state,
        live=["live"],
        win="6h",
        end_value=2000.0,
        end_max=2000.0,
        kinds=[],
        zones=[],
        statuses=["new"],
        conf=0,
        stale=60,
        hide=[],
        triggered="live",
    )
    assert live and state["end"] is None


def test_window_is_data_time(cur):
    clock = q.data_clock(cur, WALL)
    live = st.resolve_window(clock, st.ViewState(win="6h"), WALL)
    assert live.live and live.end == LATEST and live.start == LATEST - timedelta(hours=6)
    review = st.resolve_window(clock, st.ViewState(live=False, end=LATEST.timestamp() - 3600, win="1h"), WALL)
    assert not review.live and review.end == LATEST - timedelta(hours=1)


def test_future_reports_do_not_move_now(cur):
    cur.execute(
        "UPDATE vessels SET last_seen = TIMESTAMPTZ '2099-01-01 00:00:00+00' WHERE mmsi = "
        "(SELECT min(mmsi) FROM vessels)"
    )
    assert q.data_clock(cur, WALL).last_s == LATEST.timestamp()
