"""The side panels and the officers' actions on the sample database."""

from __future__ import annotations

from datetime import timedelta

from maritime.dashboard import export, panels, sync
from maritime.dashboard import queries as q
from maritime.dashboard import state as st
from maritime.store import feed_alerts
from maritime.store.database import Store

from .conftest import WALL, insert_event, now, text_of


def test_actions_need_who_and_why(cur):
    assert panels.act(cur, None, "acknowledge", "A", None, None, WALL) == (False, "Select an alert first.")
    for args, words in [
        (("acknowledge", "", None, None), "operator"),
        (("assign", "A", "", None), "unit"),
        (("dismiss", "A", None, " "), "reason"),
    ]:
        ok, msg = panels.act(cur, "truth-0-loitering", *args, WALL)
        assert not ok and words in msg
    ok, msg = panels.act(cur, "no-such-event", "acknowledge", "A", None, None, WALL)
    assert not ok and "no longer exists" in msg
    ok, _ = panels.act(cur, "truth-0-loitering", "assign", "A", "PC-12 Guayas", None, WALL)
    assert ok and "PC-12 Guayas" in q.units(cur)
    row = q.alert(cur, "truth-0-loitering")
    assert row["status"] == "assigned" and row["unit"] == "PC-12 Guayas" and row["actor"] == "A"


def test_actions_survive_a_restart(db_path):
    s = Store(db_path)
    panels.act(s.cursor(), "truth-3-dark_period", "dismiss", "Cdr. Vega", None, "receiver outage", WALL)
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
    assert panels.act(cur, "d1", "dismiss", "Lt. Ramos", None, "known receiver gap", WALL)[0]
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
    assert panels.act(cur, "r1", "dismiss", "A", None, "licensed transshipment", WALL)[0]
    # same pair the other way round, starting while it is still open: covered
    insert_event(cur, event_id="r1x", kind="rendezvous", mmsi=o, other_mmsi=m, start_time="2025-01-15 20:00:00+00")
    assert q.alert(cur, "r1x")["status"] == "dismissed"
    # once the dismissed behaviour has ended, a later start is a new behaviour
    cur.execute("UPDATE events SET end_time = TIMESTAMPTZ '2025-01-15 16:00:00+00' WHERE event_id = 'r1'")
    assert q.alert(cur, "r1x")["status"] == "new"
    # reopening wins over the dismissal (the latest action counts)
    assert panels.act(cur, "r1", "reopen", "B", None, None, WALL + timedelta(minutes=1))[0]
    assert q.alert(cur, "r1")["status"] == "new"


def test_alert_box_shows_status_and_log(cur):
    panels.act(cur, "truth-6-rendezvous", "assign", "Lt. Ramos", "ARC 20 de Julio", None, WALL)
    text = text_of(panels.alert_box(cur, "truth-6-rendezvous"))
    assert "RENDEZVOUS" in text and "assigned" in text and "ARC 20 de Julio" in text and "Lt. Ramos" in text


def test_vessel_card_identity_history_and_events(cur):
    mmsi = cur.execute(
        "SELECT mmsi FROM identity_history WHERE field = 'name' AND previous IS NOT NULL LIMIT 1"
    ).fetchone()[0]
    card, last = panels.vessel_card(cur, mmsi, st.ViewState(), now(cur))
    text = text_of(card)
    v = q.vessel(cur, mmsi)
    for expected in (str(mmsi), v["callsign"], "Identity history", "name", "Speed over ground"):
        assert expected in text
    assert v["flag"] in text and last is not None
    card, _ = panels.vessel_card(cur, 352847939, st.ViewState(), now(cur))
    assert "loitering" in text_of(card) and "Gulf of Panama" in text_of(card)
    assert "no such vessel" in text_of(panels.vessel_card(cur, 1, st.ViewState(), now(cur))[0])


def test_speed_chart_shades_silences_and_dark_periods():
    t0 = 1_736_900_000
    pts = [{"t": t0 + i * 60, "sog": 10.0} for i in range(10)] + [{"t": t0 + 4 * 3600, "sog": 9.0}]
    window = q.Window(q.ts(t0), q.ts(t0 + 5 * 3600), True)
    ev = [{"kind": "dark_period", "start_s": t0 + 600, "end_s": t0 + 4 * 3600}]
    fig = panels.speed_figure(pts, ev, window, gap_s=1800)
    fills = [s["fillcolor"] for s in fig["layout"]["shapes"]]
    assert len(fills) == 3  # the gap, the silence up to now, and the dark period
    assert panels.silences([0, 60, 5000], 1800) == [(60, 5000)]


def test_feed_silence_is_an_alert(cur):
    feed_alerts.raise_feed_alert(cur, "tcp://10.0.0.5:5631", WALL - timedelta(minutes=5), "timed out", WALL)
    feed_alerts.raise_feed_alert(cur, "tcp://10.0.0.5:5631", WALL - timedelta(minutes=5), "timed out", WALL)  # once
    rows = [r for r in q.alerts(cur, None, None, wall_now=WALL) if r["kind"] == "feed_silent"]
    assert len(rows) == 1 and rows[0]["status"] == "new" and rows[0]["end_s"] is None
    assert panels.act(cur, rows[0]["event_id"], "acknowledge", "A", None, None, WALL)[0]
    feed_alerts.resolve_feed_alert(cur, "tcp://10.0.0.5:5631", WALL + timedelta(minutes=1))
    row = q.alert(cur, rows[0]["event_id"])
    assert row["status"] == "acknowledged" and row["end_s"] is not None
    assert sync.alert_summary([sync.grid_row(r, 0) for r in q.alerts(cur, None, None, wall_now=WALL)])["feeds"] == 0


def test_a_reopened_alert_does_not_show_the_earlier_dismissal_reason(cur):
    assert panels.act(cur, "truth-0-loitering", "dismiss", "A", None, "fishing licence checked", WALL)[0]
    assert q.alert(cur, "truth-0-loitering")["reason"] == "fishing licence checked"
    assert panels.act(cur, "truth-0-loitering", "reopen", "B", None, None, WALL + timedelta(minutes=1))[0]
    row = q.alert(cur, "truth-0-loitering")
    assert row["status"] == "new" and row["actor"] == "B" and row["reason"] is None
    exported = export.export_rows(cur, st.parse_state("?status=all"), now(cur))
    assert next(r for r in exported if r["event_id"] == "truth-0-loitering")["reason"] is None


def test_vessel_card_shows_risk_and_its_factors(cur):
    from maritime.analytics.risk_store import update_risk

    assert "Risk " not in text_of(panels.vessel_card(cur, 352847939, st.ViewState(), now(cur))[0])
    update_risk(cur)
    score = cur.execute("SELECT score FROM vessel_risk_latest WHERE mmsi = 352847939").fetchone()[0]
    text = text_of(panels.vessel_card(cur, 352847939, st.ViewState(), now(cur))[0])
    assert f"Risk {score:.2f}" in text and "loitering" in text and "contribution" in text


def test_outcome_form_records_append_only(cur):
    assert panels.record_outcome(cur, None, "seized", "U", "", "A") == (False, "Select an alert first.")
    assert panels.record_outcome(cur, "truth-0-loitering", None, "U", "", "A")[0] is False
    ok, msg = panels.record_outcome(cur, "truth-0-loitering", "seized", "", "", "A")
    assert not ok and "--unit" in msg
    ok, msg = panels.record_outcome(cur, "truth-0-loitering", "violation_found", "BAP Guise", "nets", "A")
    assert ok and "violation found by BAP Guise" in msg
    panels.record_outcome(cur, "truth-0-loitering", "seized", "BAP Guise", "vessel taken to port", "A")
    rows = cur.execute("SELECT result, actor FROM alert_outcomes ORDER BY outcome_id").fetchall()
    assert rows == [("violation_found", "A"), ("seized", "A")]
