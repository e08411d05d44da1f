"""Colours of values on the map's continuous scales."""

from __future__ import annotations

from maritime.dashboard.colorscale import HOTSPOT_SCALE, RISK_SCALE, plotly_scale, scale_colour, scale_rgb


def test_ends_middle_and_clipping() -> None:
    assert scale_colour(RISK_SCALE, 0.0) == "rgb(69,117,180)"  # #4575b4
    assert scale_colour(RISK_SCALE, 1.0) == "rgb(215,48,39)"  # #d73027
    assert scale_colour(RISK_SCALE, 0.5) == "rgb(255,255,191)"  # the middle stop
    assert scale_rgb(RISK_SCALE, 1.7) == scale_rgb(RISK_SCALE, 1.0)
    assert scale_rgb(RISK_SCALE, -3) == scale_rgb(RISK_SCALE, 0.0)
    assert scale_rgb(RISK_SCALE, float("nan")) == scale_rgb(RISK_SCALE, 0.0)
    # halfway between two stops is halfway in RGB
    a, b, mid = scale_rgb(HOTSPOT_SCALE, 0.25), scale_rgb(HOTSPOT_SCALE, 0.5), scale_rgb(HOTSPOT_SCALE, 0.375)
    assert all(abs(m - (x + y) / 2) <= 0.5 for m, x, y in zip(mid, a, b))
    assert scale_colour(HOTSPOT_SCALE, 1.0, 0.5) == "rgba(189,0,38,0.50)"
    assert plotly_scale(RISK_SCALE)[0] == [0.0, "#4575b4"]


def test_risk_scale_warms_with_risk() -> None:
    warmth = [r - b for r, _, b in (scale_rgb(RISK_SCALE, x / 20) for x in range(21))]
    assert all(a < b for a, b in zip(warmth, warmth[1:])), warmth
