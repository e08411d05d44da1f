"""Continuous colour scales of the map (vessel risk, predicted hotspot intensity) and the
colour of a value on them, so that a table cell and a map marker of the same value match."""

from __future__ import annotations

from collections.abc import Sequence

#: Vessel risk 0 → 1: blue (low) through pale yellow to red (high); ColorBrewer RdYlBu, reversed
#: (Brewer & Harrower, colorbrewer2.org: a diverging scale readable by colour-blind viewers).
RISK_SCALE: tuple[tuple[float, str], ...] = (
    (0.0, "#4575b4"),
    (0.25, "#91bfdb"),
    (0.5, "#ffffbf"),
    (0.75, "#fc8d59"),
    (1.0, "#d73027"),
)
#: Predicted events per cell, 0 → the forecast's peak: pale yellow to dark red (ColorBrewer YlOrRd).
HOTSPOT_SCALE: tuple[tuple[float, str], ...] = (
    (0.0, "#ffffb2"),
    (0.25, "#fecc5c"),
    (0.5, "#fd8d3c"),
    (0.75, "#f03b20"),
    (1.0, "#bd0026"),
)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def scale_rgb(scale: Sequence[tuple[float, str]], x: float) -> tuple[int, int, int]:
    """The colour at ``x`` (clipped to 0–1) of a scale of ``(position, #rrggbb)`` stops,
    linearly interpolated in RGB as Plotly does."""
    x = min(1.0, max(0.0, float(x))) if x == x else 0.0
    for (p0, c0), (p1, c1) in zip(scale, scale[1:]):
        if x <= p1:
            f = 0.0 if p1 == p0 else (x - p0) / (p1 - p0)
            a, b = _rgb(c0), _rgb(c1)
            r, g, bl = (round(u + (v - u) * f) for u, v in zip(a, b))
            return r, g, bl
    return _rgb(scale[-1][1])


def scale_colour(scale: Sequence[tuple[float, str]], x: float, alpha: float | None = None) -> str:
    """``rgb(r,g,b)`` (or ``rgba`` with ``alpha``) of ``x`` on ``scale``."""
    r, g, b = scale_rgb(scale, x)
    return f"rgb({r},{g},{b})" if alpha is None else f"rgba({r},{g},{b},{alpha:.2f})"


def plotly_scale(scale: Sequence[tuple[float, str]]) -> list[list[float | str]]:
    """The scale as Plotly's ``colorscale`` (a list of ``[position, colour]``)."""
    return [[p, c] for p, c in scale]
