"""The checks of what the page sends: values no control produces are refused (BadInput)."""

from __future__ import annotations

import math

import pytest

from maritime.dashboard import inputs
from maritime.dashboard.inputs import BadInput


def test_view_state_fields_are_type_and_range_checked():
    ok = inputs.checked_fields({"live": False, "end": 1.7e9, "win": "6h", "kinds": ["loitering"], "stale": 30.0})
    assert ok == {"live": False, "end": 1.7e9, "win": "6h", "kinds": ("loitering",), "stale": 30}
    for bad in (
        {"live": "yes"},
        {"end": math.inf},
        {"end": "2025"},
        {"win": "99y"},
        {"kinds": ["piracy"]},
        {"zones": "Gulf"},
        {"zones": ["x" * 201]},
        {"conf": 2},
        {"conf": True},
        {"stale": 0},
        {"stale": 1.5},
        {"mmsi": "352847939"},
        {"mmsi": 10**9},
        {"event": 5},
        {"view": [1, 2, 3]},
        {"tab": "admin"},
    ):
        with pytest.raises(BadInput):
            inputs.checked_fields(bad)


def test_selection_session_applied_and_numbers():
    assert inputs.checked_selection(None) == (None, None)
    assert inputs.checked_selection({"mmsi": 352847939, "event_id": "e1"}) == (352847939, "e1")
    assert inputs.checked_applied({"seq": 3}) == {"seq": 3} and inputs.checked_applied({}) is None
    assert inputs.checked_session("ab12") == "ab12" and inputs.checked_number(None, "x") is None
    for call in (
        lambda: inputs.checked_selection(["a"]),
        lambda: inputs.checked_selection({"mmsi": -1}),
        lambda: inputs.checked_applied({"seq": "3"}),
        lambda: inputs.checked_applied([1]),
        lambda: inputs.checked_session(["x"]),
        lambda: inputs.checked_number(math.nan, "x"),
        lambda: inputs.checked_text("x" * 11, "unit", 10),
    ):
        with pytest.raises(BadInput):
            call()
