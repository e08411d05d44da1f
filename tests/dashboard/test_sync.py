"""Live updates of the map and the alert list: full, then differences."""

from __future__ import annotations

from maritime.dashboard import categories, panels, sync
from maritime.dashboard import queries as q
from maritime.dashboard import state as st

from .conftest import WALL, now


def test_vessel_update_full_then_differences(cur, store):
    cache = sync.SessionCache()
    state = st.ViewState()
    first = sync.vessel_update(cur, cache, "s1", None, state, None, now(cur))
    assert first["full"] and len(first["upsert"]) > 150 and first["density"] is None
    mmsi, lon, lat, t, sog, cat, name = first["upsert"][0]
    assert cat in categories.CATEGORIES and -180 <= lon <= 180
    assert first["alerts"], "vessels with open alerts are marked"
    # nothing changed: nothing sent
    assert sync.vessel_update(cur, cache, "s1", {"seq": first["seq"]}, state, None, now(cur)) is None
    # one vessel moves: only it is sent
    cur.execute(
        "UPDATE vessels SET last_lon = last_lon + 0.1, last_seen = last_seen - INTERVAL 1 SECOND WHERE mmsi = ?", [mmsi]
    )
    diff = sync.vessel_update(cur, cache, "s1", {"seq": first["seq"]}, state, None, now(cur))
    assert not diff["full"] and [r[0] for r in diff["upsert"]] == [mmsi] and diff["remove"] == []
    # a page the server does not know (or out of step) gets everything
    again = sync.vessel_update(cur, cache, "s1", {"seq": 123456}, state, None, now(cur))
    assert again["full"]


def test_zoomed_view_sends_vessels_near_it_only(cur):
    cache = sync.SessionCache()
    everything = sync.vessel_update(cur, cache, "s", None, st.ViewState(), None, now(cur))
    view = {"x0": -80.0, "x1": -79.0, "y0": 8.0, "y1": 9.5}  # Panama approaches
    near = sync.vessel_update(cur, cache, "s", {"seq": everything["seq"]}, st.ViewState(), view, now(cur))
    assert near["remove"] and near["in_view"] < near["total"]


def test_many_vessels_become_a_density_grid(cur, monkeypatch):
    monkeypatch.setattr(sync, "DENSITY_THRESHOLD", 50)
    payload = sync.vessel_update(cur, sync.SessionCache(), "s", None, st.ViewState(), None, now(cur))
    grid = payload["density"]
    assert grid and sum(grid["n"]) == payload["in_view"]
    # only vessels with alerts are sent one by one
    assert {r[0] for r in payload["upsert"]} <= {int(m) for m in payload["alerts"]}


def test_track_has_events_marked(cur):
    t = sync.track_payload(cur, 352847939, st.ViewState(), now(cur))
    assert len(t["lon"]) > 100 and len(t["lon"]) == len(t["lat"]) == len(t["t"])
    assert any(e["kind"] == "loitering" for e in t["events"])
    assert sync.track_payload(cur, None, st.ViewState(), now(cur)) == {"mmsi": None}


def test_alert_list_full_then_differences(cur):
    cache = sync.SessionCache()
    first = sync.alerts_update(cur, cache, "s", None, st.ViewState(), now(cur))
    assert first["full"] and len(first["rows"]) == 9 and first["summary"]["new"] == 9
    assert sync.alerts_update(cur, cache, "s", {"seq": first["seq"]}, st.ViewState(), now(cur)) is None
    ok, msg = panels.act(cur, "truth-0-loitering", "acknowledge", "Lt. Ramos", None, None, WALL)
    assert ok and "Lt. Ramos" in msg
    diff = sync.alerts_update(cur, cache, "s", {"seq": first["seq"]}, st.ViewState(), now(cur))
    assert not diff["full"] and [r["event_id"] for r in diff["update"]] == ["truth-0-loitering"]
    assert diff["update"][0]["status"] == "acknowledged" and diff["summary"]["acknowledged"] == 1


def test_filters_are_bound_parameters(cur):
    for evil in ("x' OR 1=1 --", "'; DROP TABLE events; --"):
        rows = q.alerts(cur, None, None, q.AlertFilter(zones=(evil,)), WALL)
        assert rows == []
    assert cur.execute("SELECT count(*) FROM events").fetchone()[0] == 9
    only = q.alerts(cur, None, None, q.AlertFilter(kinds=("rendezvous",), min_conf=0.8), WALL)
    assert only and all(r["kind"] == "rendezvous" and r["confidence"] >= 0.8 for r in only)
