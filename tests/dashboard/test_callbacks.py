"""The dashboard's callbacks as plain functions, on the sample database."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from dashboard import callbacks as cb
from dashboard import queries as q
from maritime.store.database import Store

from .conftest import insert_event

UTC = UTC
WALL = datetime(2026, 1, 1, tzinfo=UTC)
LATEST = datetime(2025, 1, 15, 23, 59, 59, tzinfo=UTC)  # last report of the sample


def text_of(component) -> str:
    """All text in a Dash component tree."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(text_of(c) for c in component)
    children = getattr(component, "children", None)
    return text_of(children)


# -- view state / URL ------------------------------------------------------------------------


def test_state_round_trips_through_the_url():
    s = cb.ViewState(
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
    query = cb.state_query(s)
    assert query.startswith("?live=0&end=2025-01-15T12:00:00Z")
    assert cb.parse_state(query) == s
    assert cb.state_query(cb.ViewState()) == ""


def test_bad_url_values_are_ignored():
    s = cb.parse_state("?win=99y&kind=loitering,DROP TABLE&conf=7&stale=-1&mmsi=12a&view=1,2,3&tab=x&end=never")
    assert s.win == "24h" and s.kinds == ("loitering",) and s.conf == 0.0 and s.stale == 60
    assert s.mmsi is None and s.view is None and s.tab == "vessel" and s.live and s.end is None
    assert cb.parse_state("?status=all").statuses == ()


def test_controls_leave_and_rejoin_live():
    state, live = cb.controls_to_state(
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
    state, live = cb.controls_to_state(
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
    live = cb.resolve_window(clock, cb.ViewState(win="6h"), WALL)
    assert live.live and live.end == LATEST and live.start == LATEST - timedelta(hours=6)
    review = cb.resolve_window(clock, cb.ViewState(live=False, end=LATEST.timestamp() - 3600, win="1h"), WALL)
    assert not review.live and review.end == LATEST - timedelta(hours=1)


def test_future_reports_do_not_move_now(cur):
    cur.execute(
        "UPDATE vessels SET last_seen = TIMESTAMPTZ '2099-01-01 00:00:00+00' WHERE mmsi = "
        "(SELECT min(mmsi) FROM vessels)"
    )
    assert q.data_clock(cur, WALL).last_s == LATEST.timestamp()


# -- map -------------------------------------------------------------------------------------


def test_vessel_update_full_then_differences(cur, store):
    cache = cb.SessionCache()
    state = cb.ViewState()
    first = cb.vessel_update(cur, cache, "s1", None, state, None, WALL)
    assert first["full"] and len(first["upsert"]) > 150 and first["density"] is None
    mmsi, lon, lat, t, sog, cat, name = first["upsert"][0]
    assert cat in cb.CATEGORIES and -180 <= lon <= 180
    assert first["alerts"], "vessels with open alerts are marked"
    # nothing changed: nothing sent
    assert cb.vessel_update(cur, cache, "s1", {"seq": first["seq"]}, state, None, WALL) is None
    # one vessel moves: only it is sent
    cur.execute(
        "UPDATE vessels SET last_lon = last_lon + 0.1, last_seen = last_seen - INTERVAL 1 SECOND WHERE mmsi = ?", [mmsi]
    )
    diff = cb.vessel_update(cur, cache, "s1", {"seq": first["seq"]}, state, None, WALL)
    assert not diff["full"] and [r[0] for r in diff["upsert"]] == [mmsi] and diff["remove"] == []
    # a page the server does not know (or out of step) gets everything
    again = cb.vessel_update(cur, cache, "s1", {"seq": 123456}, state, None, WALL)
    assert again["full"]


def test_zoomed_view_sends_vessels_near_it_only(cur):
    cache = cb.SessionCache()
    everything = cb.vessel_update(cur, cache, "s", None, cb.ViewState(), None, WALL)
    view = {"x0": -80.0, "x1": -79.0, "y0": 8.0, "y1": 9.5}  # Panama approaches
    near = cb.vessel_update(cur, cache, "s", {"seq": everything["seq"]}, cb.ViewState(), view, WALL)
    assert near["remove"] and near["in_view"] < near["total"]


def test_many_vessels_become_a_density_grid(cur, monkeypatch):
    monkeypatch.setattr(cb, "DENSITY_THRESHOLD", 50)
    payload = cb.vessel_update(cur, cb.SessionCache(), "s", None, cb.ViewState(), None, WALL)
    grid = payload["density"]
    assert grid and sum(grid["n"]) == payload["in_view"]
    # only vessels with alerts are sent one by one
    assert {r[0] for r in payload["upsert"]} <= {int(m) for m in payload["alerts"]}


def test_track_has_events_marked(cur):
    t = cb.track_payload(cur, 352847939, cb.ViewState(), WALL)
    assert len(t["lon"]) > 100 and len(t["lon"]) == len(t["lat"]) == len(t["t"])
    assert any(e["kind"] == "loitering" for e in t["events"])
    assert cb.track_payload(cur, None, cb.ViewState(), WALL) == {"mmsi": None}


# -- alerts and workflow ---------------------------------------------------------------------


def test_alert_list_full_then_differences(cur):
    cache = cb.SessionCache()
    first = cb.alerts_update(cur, cache, "s", None, cb.ViewState(), WALL)
    assert first["full"] and len(first["rows"]) == 9 and first["summary"]["new"] == 9
    assert cb.alerts_update(cur, cache, "s", {"seq": first["seq"]}, cb.ViewState(), WALL) is None
    ok, msg = cb.act(cur, "truth-0-loitering", "acknowledge", "Lt. Ramos", None, None, WALL)
    assert ok and "Lt. Ramos" in msg
    diff = cb.alerts_update(cur, cache, "s", {"seq": first["seq"]}, cb.ViewState(), WALL)
    assert not diff["full"] and [r["event_id"] for r in diff["update"]] == ["truth-0-loitering"]
    assert diff["update"][0]["status"] == "acknowledged" and diff["summary"]["acknowledged"] == 1


def test_filters_are_bound_parameters(cur):
    for evil in ("x' OR 1=1 --", "'; DROP TABLE events; --"):
        rows = q.alerts(cur, None, None, q.AlertFilter(zones=(evil,)), WALL)
        assert rows == []
    assert cur.execute("SELECT count(*) FROM events").fetchone()[0] == 9
    only = q.alerts(cur, None, None, q.AlertFilter(kinds=("rendezvous",), min_conf=0.8), WALL)
    assert only and all(r["kind"] == "rendezvous" and r["confidence"] >= 0.8 for r in only)


def test_actions_need_who_and_why(cur):
    assert cb.act(cur, None, "acknowledge", "A", None, None, WALL) == (False, "Select an alert first.")
    for args, words in [
        (("acknowledge", "", None, None), "operator"),
        (("assign", "A", "", None), "unit"),
        (("dismiss", "A", None, " "), "reason"),
    ]:
        ok, msg = cb.act(cur, "truth-0-loitering", *args, WALL)
        assert not ok and words in msg
    ok, msg = cb.act(cur, "no-such-event", "acknowledge", "A", None, None, WALL)
    assert not ok and "no longer exists" in msg
    ok, _ = cb.act(cur, "truth-0-loitering", "assign", "A", "PC-12 Guayas", None, WALL)
    assert ok and "PC-12 Guayas" in q.units(cur)
    row = q.alert(cur, "truth-0-loitering")
    assert row["status"] == "assigned" and row["unit"] == "PC-12 Guayas" and row["actor"] == "A"


def test_actions_survive_a_restart(db_path):
    s = Store(db_path)
    cb.act(s.cursor(), "truth-3-dark_period", "dismiss", "Cdr. Vega", None, "receiver outage", WALL)
    s.close()
    s = Store(db_path)
    try:
        row = q.alert(s.cursor(), "truth-3-dark_period")
        assert (row["status"], row["actor"], row["reason"]) == ("dismissed", "Cdr. Vega", "receiver outage")
    finally:
        s.close()


def test_dismissal_follows_the_behaviour_in_data_time(cur):
    """A dismissal covers re-detections of the same behaviour (new event_id, start within the
    span), grows with an open behaviour, and never covers a later, separate one."""
    m = 352847939
    insert_event(
        cur,
        event_id="d1",
        kind="dark_period",
        mmsi=m,
        start_time="2025-01-15 10:00:00+00",
        end_time="2025-01-15 12:00:00+00",
    )
    assert cb.act(cur, "d1", "dismiss", "Lt. Ramos", None, "known receiver gap", WALL)[0]
    # re-detection with a slightly different start (and so a new id) is dismissed too
    insert_event(
        cur,
        event_id="d1b",
        kind="dark_period",
        mmsi=m,
        start_time="2025-01-15 09:50:00+00",
        end_time="2025-01-15 12:05:00+00",
    )
    cur.execute("DELETE FROM events WHERE event_id = 'd1'")  # detection replaced it
    assert q.alert(cur, "d1b")["status"] == "dismissed"
    # a separate behaviour later the same day is a new alert; another vessel or kind too
    insert_event(cur, event_id="d2", kind="dark_period", mmsi=m, start_time="2025-01-15 18:00:00+00")
    insert_event(cur, event_id="d3", kind="loitering", mmsi=m, start_time="2025-01-15 10:30:00+00")
    insert_event(cur, event_id="d4", kind="dark_period", mmsi=m + 1, start_time="2025-01-15 10:30:00+00")
    assert [q.alert(cur, e)["status"] for e in ("d2", "d3", "d4")] == ["new", "new", "new"]


def test_dismissal_of_an_open_behaviour_lasts_while_it_goes_on(cur):
    m, o = 412382233, 354137097
    insert_event(cur, event_id="r1", kind="rendezvous", mmsi=m, other_mmsi=o, start_time="2025-01-15 15:00:00+00")
    assert cb.act(cur, "r1", "dismiss", "A", None, "licensed transshipment", WALL)[0]
    # same pair the other way round, starting while it is still open: covered
    insert_event(cur, event_id="r1x", kind="rendezvous", mmsi=o, other_mmsi=m, start_time="2025-01-15 20:00:00+00")
    assert q.alert(cur, "r1x")["status"] == "dismissed"
    # once the dismissed behaviour has ended, a later start is a new behaviour
    cur.execute("UPDATE events SET end_time = TIMESTAMPTZ '2025-01-15 16:00:00+00' WHERE event_id = 'r1'")
    assert q.alert(cur, "r1x")["status"] == "new"
    # reopening wins over the dismissal (the latest action counts)
    assert cb.act(cur, "r1", "reopen", "B", None, None, WALL + timedelta(minutes=1))[0]
    assert q.alert(cur, "r1")["status"] == "new"


def test_alert_box_shows_status_and_log(cur):
    cb.act(cur, "truth-6-rendezvous", "assign", "Lt. Ramos", "ARC 20 de Julio", None, WALL)
    text = text_of(cb.alert_box(cur, "truth-6-rendezvous", WALL))
    assert "RENDEZVOUS" in text and "assigned" in text and "ARC 20 de Julio" in text and "Lt. Ramos" in text


# -- vessel card -----------------------------------------------------------------------------


def test_vessel_card_identity_history_and_events(cur):
    mmsi = cur.execute(
        "SELECT mmsi FROM identity_history WHERE field = 'name' AND previous IS NOT NULL LIMIT 1"
    ).fetchone()[0]
    card, last = cb.vessel_card(cur, mmsi, cb.ViewState(), WALL)
    text = text_of(card)
    v = q.vessel(cur, mmsi)
    for expected in (str(mmsi), v["callsign"], "Identity history", "name", "Speed over ground"):
        assert expected in text
    assert v["flag"] in text and last is not None
    card, _ = cb.vessel_card(cur, 352847939, cb.ViewState(), WALL)
    assert "loitering" in text_of(card) and "Gulf of Panama" in text_of(card)
    assert "no such vessel" in text_of(cb.vessel_card(cur, 1, cb.ViewState(), WALL)[0])


def test_speed_chart_shades_silences_and_dark_periods():
    t0 = 1_736_900_000
    pts = [{"t": t0 + i * 60, "sog": 10.0} for i in range(10)] + [{"t": t0 + 4 * 3600, "sog": 9.0}]
    window = q.Window(q.ts(t0), q.ts(t0 + 5 * 3600), True)
    ev = [{"kind": "dark_period", "start_s": t0 + 600, "end_s": t0 + 4 * 3600}]
    fig = cb.speed_figure(pts, ev, window, gap_s=1800)
    fills = [s["fillcolor"] for s in fig["layout"]["shapes"]]
    assert len(fills) == 3  # the gap, the silence up to now, and the dark period
    assert cb.silences([0, 60, 5000], 1800) == [(60, 5000)]


# -- health, results, export -----------------------------------------------------------------


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
    text = text_of(cb.health_panel(cur, snap, cb.ViewState(), WALL))
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


def test_results_count_by_zone_kind_day_and_outcome(cur):
    cb.act(cur, "truth-0-loitering", "dismiss", "A", None, "fishing licence checked", WALL)
    figs = cb.results_figures([cb.grid_row(r, LATEST.timestamp()) for r in q.alerts(cur, None, None)])
    outcome = figs["outcomes"]["data"][0]
    assert dict(zip(outcome["x"], outcome["y"])) == {"unhandled": 8, "acknowledged": 0, "dispatched": 0, "dismissed": 1}
    assert sum(sum(t["x"]) for t in figs["zone"]["data"]) == 9
    assert figs["day"]["data"][0]["x"] == ["2025-01-15"]


def test_exports_carry_the_filtered_events(cur):
    cb.act(cur, "truth-6-rendezvous", "acknowledge", "Lt. Ramos", None, None, WALL)
    state = cb.parse_state("?kind=rendezvous&status=all")
    data, mime, name = cb.export_events(cur, state, "csv", WALL)
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert mime.startswith("text/csv") and name.endswith(".csv")
    assert len(rows) == 3 and {r["kind"] for r in rows} == {"rendezvous"}
    assert {r["status"] for r in rows} == {"new", "acknowledged"}
    doc = json.loads(cb.export_events(cur, state, "geojson", WALL)[0])
    assert len(doc["features"]) == 3 and doc["features"][0]["geometry"]["type"] == "Point"
    kml = ET.fromstring(cb.export_events(cur, state, "kml", WALL)[0])
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    assert len(kml.findall(".//k:Placemark", ns)) == 3
    assert kml.find(".//k:Placemark/k:Point/k:coordinates", ns).text.count(",") == 2
    with pytest.raises(ValueError):
        cb.export_events(cur, state, "xlsx", WALL)


def test_feed_silence_is_an_alert(cur):
    q.raise_feed_alert(cur, "tcp://10.0.0.5:5631", WALL - timedelta(minutes=5), "timed out", WALL)
    q.raise_feed_alert(cur, "tcp://10.0.0.5:5631", WALL - timedelta(minutes=5), "timed out", WALL)  # once
    rows = [r for r in q.alerts(cur, None, None, wall_now=WALL) if r["kind"] == "feed_silent"]
    assert len(rows) == 1 and rows[0]["status"] == "new" and rows[0]["end_s"] is None
    assert cb.act(cur, rows[0]["event_id"], "acknowledge", "A", None, None, WALL)[0]
    q.resolve_feed_alert(cur, "tcp://10.0.0.5:5631", WALL + timedelta(minutes=1))
    row = q.alert(cur, rows[0]["event_id"])
    assert row["status"] == "acknowledged" and row["end_s"] is not None
    assert cb.alert_summary([cb.grid_row(r, 0) for r in q.alerts(cur, None, None, wall_now=WALL)])["feeds"] == 0


def test_csv_export_defuses_spreadsheet_formulas(cur):
    cur.execute("UPDATE vessels SET name = '=HYPERLINK(\"http://x\")' WHERE mmsi = 352847939")
    data, _, _ = cb.export_events(cur, cb.parse_state("?kind=loitering&status=all"), "csv", WALL)
    rows = {r["mmsi"]: r for r in csv.DictReader(io.StringIO(data.decode()))}
    assert rows["352847939"]["name"].startswith("'=")
