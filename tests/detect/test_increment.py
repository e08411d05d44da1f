"""Live cycles (maritime.detect.increment): the events after N cycles are those of one full run
over the same reports, whatever the cycles recompute; splicing tracks equals preparing them."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
import pytest

from maritime.detect.compose import detect_all
from maritime.detect.config import load_config
from maritime.detect.increment import LiveState, block_rows, first_differences, splice, take_tracks
from maritime.detect.inputs import Columns, tracks_from_columns
from maritime.detect.planning import norm_row
from maritime.detect.tracks import Tracks
from maritime.scenario import ScenarioConfig, build_scenario
from maritime.scenario.positions import position_tables

START = datetime(2025, 3, 2, tzinfo=UTC)


def _columns(tables: list[pa.Table]) -> tuple[Columns, list[str]]:
    tb = pa.concat_tables(tables)
    names = sorted(set(tb.column("station").to_pylist()) - {None})
    code = {s: i for i, s in enumerate(names)}
    cols: Columns = {
        "mmsi": tb.column("mmsi").to_numpy().astype(np.int64),
        "t": tb.column("t_us").to_numpy() / 1e6,
        "lat": tb.column("lat").to_numpy().astype(np.float64),
        "lon": tb.column("lon").to_numpy().astype(np.float64),
        "sog": np.asarray(tb.column("sog").to_numpy(zero_copy_only=False), dtype=np.float32),
        "cog": np.asarray(tb.column("cog").to_numpy(zero_copy_only=False), dtype=np.float32),
        "msg_type": tb.column("msg_type").to_numpy().astype(np.int16),
        "station": np.array([code.get(s, -1) for s in tb.column("station").to_pylist()], dtype=np.int32),
        "hash": tb.column("payload_hash").to_numpy().astype(np.uint64),
    }
    return cols, names


@pytest.fixture(scope="module")
def day() -> tuple[Columns, list[str]]:
    """A scenario day (events, decoys, an area outage) with a few offshore vessels silenced for
    their last 14 h (open silences longer than the evidence window)."""
    sc = build_scenario(ScenarioConfig(seed=7, start=START, hours=26, n_vessels=90, area_outage=True))
    cols, names = _columns(list(position_tables(sc)))
    end = cols["t"].max()
    rng = np.random.default_rng(3)
    silenced = rng.choice(np.unique(cols["mmsi"]), 12, replace=False)
    keep = ~(np.isin(cols["mmsi"], silenced) & (cols["t"] > end - 14 * 3600))
    return {k: v[keep] for k, v in cols.items()}, names


def _part(cols: Columns, mask: np.ndarray) -> Columns:
    return {k: v[mask] for k, v in cols.items()}


def _rows(events) -> list[tuple]:
    return sorted(norm_row(e.row()[:11]) for e in events)


def _full(cols: Columns, names: list[str], now: float):
    cfg = load_config()
    return detect_all(tracks_from_columns(dict(cols), names, cfg, now), cfg)


def test_cycles_equal_one_full_run(day):
    cols, names = day
    t = cols["t"]
    t_end = float(t.max())
    cut = t_end - 16 * 3600
    cfg = load_config()
    state = LiveState(_part(cols, t <= cut), names, cfg, float(t[t <= cut].max()))
    steps = [cut + 1200 * i for i in range(1, 48)] + [t_end]
    lo = cut
    for hi in steps:
        new = _part(cols, (t > lo) & (t <= hi))
        got = state.update(new, float(hi))
        lo = hi
        want = _full(_part(cols, t <= hi), names, float(hi))
        assert _rows(got) == _rows(want), f"after the cycle up to +{(hi - cut) / 3600:.1f} h"
        assert state.stats.vessels < len(np.unique(cols["mmsi"]))
    kinds = {e.kind for e in got}
    assert {"dark_period", "loitering"} <= kinds, kinds
    # the open silences longer than the evidence window were taken from the memo
    assert state.memo


def test_cycle_with_late_and_interleaved_reports(day):
    """Reports that arrive late (older than others of their vessel) still give the full run's events."""
    cols, names = day
    t = cols["t"]
    t_end = float(t.max())
    rng = np.random.default_rng(11)
    late = (t > t_end - 4 * 3600) & (rng.random(len(t)) < 0.1)
    first = (t <= t_end - 2 * 3600) & ~late
    cfg = load_config()
    state = LiveState(_part(cols, first), names, cfg, float(t[first].max()))
    got = state.update(_part(cols, ~first), t_end)
    assert _rows(got) == _rows(_full(cols, names, t_end))


def test_update_without_reports_changes_nothing(day):
    cols, names = day
    now = float(cols["t"].max())
    state = LiveState(dict(cols), names, load_config(), now)
    before = _rows(state.events())
    empty = {k: v[:0] for k, v in cols.items()}
    assert _rows(state.update(empty, now)) == before
    assert state.stats.vessels == 0 and state.stats.affected >= 0


def _same_tracks(a: Tracks, b: Tracks) -> None:
    for k in ("mmsi", "t", "lat", "lon", "station", "seg", "seg_start", "seg_end", "seg_mmsi", "speed", "speed_dt"):
        np.testing.assert_array_equal(getattr(a, k), getattr(b, k), err_msg=k)
    assert sorted(map(str, (asdict(c) for c in a.conflicts))) == sorted(map(str, (asdict(c) for c in b.conflicts)))


def test_splice_equals_preparing_everything(day):
    cols, names = day
    cfg = load_config()
    t = cols["t"]
    cut = float(t.max()) - 3600
    now = float(t.max())
    old = tracks_from_columns(_part(cols, t <= cut), names, cfg, cut)
    full = tracks_from_columns(dict(cols), names, cfg, now)
    order = np.lexsort((cols["hash"], cols["t"], cols["mmsi"]))
    srt = {k: v[order] for k, v in cols.items()}
    vessels = np.unique(cols["mmsi"][t > cut]).astype(np.int64)
    fresh = tracks_from_columns({k: v[block_rows(srt["mmsi"], vessels)] for k, v in srt.items()}, names, cfg, now)
    spliced = splice(old, fresh, vessels, now)
    _same_tracks(spliced, full)
    assert full.shared_mmsis == spliced.shared_mmsis
    # the dirty time is no later than the first new report, and not before the cut less the
    # longest speed window, unless a shared MMSI's split moved
    d = float(first_differences(old, spliced, vessels).min())
    assert d <= float(t[t > cut].min()) + 1e-6
    assert d >= cut - cfg.tracks.max_speed_window_hours * 3600 - 1.0
    # a vessel subset is the subset of the whole
    some = vessels[:5]
    sub = take_tracks(full, block_rows(full.mmsi, some), now)
    assert set(np.unique(sub.mmsi).tolist()) == set(some.tolist())
    assert len(sub) == int(np.isin(full.mmsi, some).sum())


def test_first_differences_see_a_changed_old_report(day):
    cols, names = day
    cfg = load_config()
    now = float(cols["t"].max())
    a = tracks_from_columns(dict(cols), names, cfg, now)
    moved = dict(cols)
    k = int(np.argmin(np.abs(cols["t"] - (now - 10 * 3600))))
    moved["lat"] = cols["lat"].copy()
    moved["lat"][k] += 0.001
    b = tracks_from_columns(moved, names, cfg, now)
    assert first_differences(a, b, np.array([cols["mmsi"][k]], dtype=np.int64)).min() <= cols["t"][k]
    assert first_differences(a, a, np.unique(cols["mmsi"]).astype(np.int64)).min() == float("inf")


def _cols_of(rows: list[tuple]) -> Columns:
    a = np.array(rows, dtype=np.float64)
    return {
        "mmsi": a[:, 0].astype(np.int64),
        "t": a[:, 1],
        "lat": a[:, 2],
        "lon": a[:, 3],
        "sog": a[:, 4].astype(np.float32),
        "cog": a[:, 5].astype(np.float32),
        "msg_type": a[:, 6].astype(np.int16),
        "station": np.zeros(len(a), dtype=np.int32),
        "hash": np.arange(len(a), dtype=np.uint64),
    }


def test_open_episodes_close_with_data_time_alone():
    """A vessel loitering at sea, then silent: its open loitering episode closes once data time
    (other vessels' reports) passes max_gap_hours, with no new report of its own."""
    from tests.detect import T0, straight

    loiterer = straight(735000777, -1.5, -85.2, T0, 5, 60, speed_kn=0.3)
    others = [r for k in range(3) for r in straight(760000000 + k, -2.0 - 0.3 * k, -84.0, T0, 12, 60, speed_kn=9.0)]
    cols = _cols_of(loiterer + others)
    cfg = load_config()
    t = cols["t"]
    first = t <= T0 + 5.5 * 3600
    state = LiveState(_part(cols, first), ["station"], cfg, float(t[first].max()))
    assert [e.end for e in state.events() if e.kind == "loitering"] == [None]
    lo = T0 + 5.5 * 3600
    for hi in np.arange(lo + 1800, T0 + 12 * 3600 + 1, 1800):
        got = state.update(_part(cols, (t > lo) & (t <= hi)), float(hi))
        lo = hi
        assert 735000777 not in set(cols["mmsi"][(t > lo - 1800) & (t <= hi)].tolist())
        assert _rows(got) == _rows(_full(_part(cols, t <= hi), ["station"], float(hi)))
    assert [e.end is not None for e in got if e.kind == "loitering"] == [True]


@pytest.mark.parametrize("flip", [False, True])
def test_reception_after_cycles_is_that_of_the_window(day, flip):
    """The reception model a cycle updates from the changed reports only (each vessel's from the
    bin of its first change on) equals the model built from the whole window, also when new
    Class B reports turn a segment that started before them into a Class B transmitter."""
    from maritime.detect.reception import reception_model

    cols, names = day
    cfg = load_config()
    cut = np.quantile(cols["t"], 0.4 if flip else 0.9)
    if flip:  # some vessels' last reports become Class B: their whole segment may change class
        late = cols["t"] > cut
        flipped = np.isin(cols["mmsi"], np.unique(cols["mmsi"])[:30]) & late
        cols = {**cols, "msg_type": np.where(flipped, np.int16(18), cols["msg_type"])}
    state = LiveState(_part(cols, cols["t"] <= cut), names, cfg, float(cut))
    steps = np.linspace(cut, cols["t"].max(), 8 if flip else 4)
    for a, b in zip(steps[:-1], steps[1:]):
        state.update(_part(cols, (cols["t"] > a) & (cols["t"] <= b)), float(b))
        want = reception_model(state.tracks, cfg.dark, (state.reception.b0, state.reception.nb))
        for f in ("keys", "n_all", "n_b", "n_ter", "sc_keys", "sc_n"):
            assert np.array_equal(getattr(state.reception, f), getattr(want, f)), f
