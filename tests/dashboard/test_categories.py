"""Map legend categories and event symbols (``maritime.dashboard.categories``)."""

from __future__ import annotations

from plotly.validator_cache import ValidatorCache

from maritime.dashboard import queries as q
from maritime.dashboard.categories import EVENT_SYMBOLS, category, style_spec
from maritime.detect.events import KINDS as DETECT_KINDS


def test_every_event_symbol_is_a_plotly_symbol_of_a_known_kind():
    valid = set(ValidatorCache.get_validator("scatter.marker", "symbol").values)
    for kind, (label, colour, symbol) in EVENT_SYMBOLS.items():
        assert kind in q.KINDS and kind in DETECT_KINDS
        assert symbol in valid and colour.startswith("#") and label


def test_fishing_events_have_their_own_symbol_and_filter():
    spec = style_spec()
    assert spec["events"]["fishing"] == {"label": "Apparent fishing", "color": "#ffcc80", "symbol": "diamond-open"}
    assert "fishing" in q.KINDS
    assert category(30) == "fish"
