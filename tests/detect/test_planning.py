"""Incremental detection planning (pure): the window a run recomputes, and reconciliation."""

from __future__ import annotations

import math

from maritime.detect.config import RunnerConfig
from maritime.detect.events import DARK, LOITERING, Event
from maritime.detect.planning import Plan, history_since, norm_row, plan_window, reconcile, widen

RC = RunnerConfig(lookback_hours=24.0, context_hours=12.0, max_window_hours=96.0)
NOW = 1_736_899_200.0 + 10 * 86400.0
H = 3600.0


def _prev(fp: str = "fp", upto: int = 100, hourly: dict[int, int] | None = None) -> dict[str, object]:
    return {"fingerprint": fp, "positions_upto": upto, "hourly": {str(k): v for k, v in (hourly or {}).items()}}


def test_first_run_and_new_thresholds_recompute_everything() -> None:
    p = plan_window(NOW, None, {}, "fp", {}, None, RC)
    assert p.full and p.reason == "first run"
    assert p.read_since(RC.context_hours * H) == 0.0
    p = plan_window(NOW, NOW - H, _prev("other"), "fp", {}, 100, RC)
    assert p.full and p.reason == "thresholds or zones changed"


def test_incremental_window_is_the_lookback_before_the_watermark() -> None:
    hour = int(NOW // H)
    p = plan_window(NOW, NOW - H, _prev(hourly={hour - 2: 5}), "fp", {hour - 2: 5, hour: 3}, 100, RC)
    assert not p.full and p.reason == "incremental"
    assert p.recompute == NOW - H - 24 * H == p.window_from
    assert p.read_since(12 * H) == p.window_from - 12 * H


def test_late_data_pulls_the_watermark_back_to_the_changed_hour() -> None:
    hour = int(NOW // H)
    old = {hour - 30: 5, hour - 5: 7, hour - 1: 9}
    new = {hour - 30: 5, hour - 5: 8, hour - 1: 9}
    p = plan_window(NOW, NOW - 0.5 * H, _prev(hourly=old), "fp", new, 101, RC)
    assert not p.full and p.reason == "late data"
    assert p.recompute == (hour - 5) * H - 24 * H
    # a change before every hour kept recomputes everything
    new_old = {hour - 40: 1, **new}
    p = plan_window(NOW, NOW - 0.5 * H, _prev(hourly=old), "fp", new_old, 102, RC)
    assert p.full and p.reason == "late data older than the recent history"
    assert history_since(NOW, RC) == NOW - 96 * H - 48 * H


def test_widen_to_the_oldest_open_event() -> None:
    p = Plan(False, "incremental", 1000.0, 1000.0)
    assert widen(p, 400.0).window_from == 400.0
    assert widen(p, 2000.0).window_from == 1000.0
    assert widen(p, None) is p
    full = Plan(True, "first run")
    assert widen(full, 400.0) is full and full.window_from == -math.inf


def _ev(kind: str, mmsi: int, start: float, end: float | None, conf: float = 0.9) -> Event:
    return Event(kind, mmsi, None, start, end, 1.0, 2.0, conf, {"x": 1})


def _stored(e: Event) -> tuple[object, ...]:
    r = e.row()
    return (r[0], r[1], r[2], r[3], r[4].timestamp(), None if r[5] is None else r[5].timestamp(), *r[6:])


def test_reconcile_full_replaces_everything_and_keeps_identical_rows() -> None:
    same = _ev(LOITERING, 1, 100.0, 200.0)
    gone = _ev(LOITERING, 2, 100.0, 200.0)
    changed_old = _ev(DARK, 3, 100.0, 300.0, conf=0.6)
    changed_new = _ev(DARK, 3, 100.0, 300.0, conf=0.7)
    new = _ev(DARK, 4, 500.0, None)
    stored = [_stored(same), _stored(gone), _stored(changed_old)]
    r = reconcile([_ev(LOITERING, 1, 100.0, 200.0), changed_new, new], stored, Plan(True, "first run"))
    assert r.unchanged == 1
    assert r.to_delete == sorted([gone.event_id, changed_old.event_id])
    assert {row[0] for row in r.to_insert} == {changed_new.event_id, new.event_id}
    assert r.deleted == 1
    assert norm_row(stored[0]) == norm_row(same.row())


def test_reconcile_incremental_continues_an_open_event_and_leaves_final_ones() -> None:
    plan = Plan(False, "incremental", 10_000.0, 10_000.0)
    stored_open = _ev(DARK, 7, 5_000.0, None)
    stored_final = _ev(LOITERING, 8, 1_000.0, 2_000.0)
    # the detector now sees the open silence start later (its context was cut) and end
    found_open = _ev(DARK, 7, 6_000.0, 12_000.0)
    found_final = _ev(LOITERING, 8, 1_000.0, 2_000.0, conf=0.1)  # ends before the window: kept as stored
    r = reconcile([found_open, found_final], [_stored(stored_open), _stored(stored_final)], plan)
    assert found_open.start == 5_000.0  # continues the stored one: same start, same id
    assert found_open.event_id == stored_open.event_id
    assert r.to_delete == [stored_open.event_id]
    assert [row[0] for row in r.to_insert] == [stored_open.event_id]
    assert r.deleted == 0
