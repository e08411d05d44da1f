"""Every event kind detection writes can be filtered on the dashboard, and the kinds of
issue 13 have their own map symbols."""

from __future__ import annotations

from maritime.dashboard.categories import EVENT_SYMBOLS, style_spec
from maritime.dashboard.queries import KINDS
from maritime.detect.events import KINDS as DETECTED


def test_every_detected_kind_is_a_dashboard_kind_with_a_symbol():
    assert set(DETECTED) <= set(KINDS)
    assert set(DETECTED) <= set(EVENT_SYMBOLS)
    assert style_spec()["events"]["zone_entry"]["symbol"] == EVENT_SYMBOLS["zone_entry"][2]


def test_new_kinds_have_their_own_symbols():
    new = ("zone_entry", "speed_range", "position_anomaly", "identity_change")
    symbols = [EVENT_SYMBOLS[k][2] for k in new]
    assert len(set(symbols)) == 4 and "star" not in symbols
