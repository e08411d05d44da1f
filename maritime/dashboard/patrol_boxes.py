"""Patrol boxes: rectangles a commander draws on the map (Plotly's "draw rectangle" tool), and
the share of the forecast's predicted activity each one covers.

The boxes live in the page (a ``dcc.Store`` of ``[south, west, north, east]`` in degrees); the
map draws them as editable shapes. :func:`boxes_from_relayout` reads what the map reports when
a box is drawn, moved, resized or erased; :func:`box_shares` measures them on one day slice of
the forecast with :func:`maritime.analytics.hotspots.box_share` (cells whose centre is inside).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from dash import html

from maritime.analytics.hotspots import Grid, Slice, box_share
from maritime.dashboard.inputs import BadInput

#: Most boxes a page may hold (a patrol plan, not a grid).
MAX_BOXES = 20
BOX_COLOUR = "#5ee7ff"
_EDIT = re.compile(r"^shapes\[(\d+)\]\.([xy][01])$")

#: A box: south, west, north, east (degrees).
Box = tuple[float, float, float, float]


def _number(v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise BadInput("patrol box: coordinates must be finite numbers")
    return float(v)


def box_of(x0: Any, y0: Any, x1: Any, y1: Any) -> Box:
    """A box from two corners in any order (x longitude, y latitude)."""
    xa, xb, ya, yb = _number(x0), _number(x1), _number(y0), _number(y1)
    return (round(min(ya, yb), 4), round(min(xa, xb), 4), round(max(ya, yb), 4), round(max(xa, xb), 4))


def checked_boxes(data: Any) -> list[Box]:
    """The page's box store, checked (``[]`` when empty)."""
    if data is None:
        return []
    if not isinstance(data, list) or len(data) > MAX_BOXES:
        raise BadInput(f"patrol boxes: expected a list of at most {MAX_BOXES} boxes")
    out = []
    for b in data:
        if not isinstance(b, (list, tuple)) or len(b) != 4:
            raise BadInput("patrol boxes: each box is [south, west, north, east]")
        s, w, n, e = (_number(v) for v in b)
        out.append(box_of(w, s, e, n))
    return out


def boxes_from_relayout(relayout: Any, previous: Any) -> list[Box] | None:
    """The boxes after a map interaction, or None when it did not touch them.

    Drawing or erasing a shape reports the whole list (``{"shapes": [...]}``: every rectangle
    is a box); moving or resizing one reports its new corners (``{"shapes[2].x0": ...}``).
    """
    if not isinstance(relayout, Mapping):
        return None
    if "shapes" in relayout:
        shapes = relayout["shapes"]
        if not isinstance(shapes, list):
            raise BadInput("patrol boxes: shapes must be a list")
        rects = [s for s in shapes if isinstance(s, Mapping) and s.get("type", "rect") == "rect"]
        if len(rects) > MAX_BOXES:
            rects = rects[-MAX_BOXES:]
        return [box_of(s.get("x0"), s.get("y0"), s.get("x1"), s.get("y1")) for s in rects]
    edits = [(m, v) for k, v in relayout.items() if (m := _EDIT.match(str(k)))]
    if not edits:
        return None
    boxes = checked_boxes(previous)
    corners = [{"y0": s, "x0": w, "y1": n, "x1": e} for s, w, n, e in boxes]
    for m, v in edits:
        i = int(m.group(1))
        if i >= len(corners):
            raise BadInput("patrol boxes: no such box")
        corners[i][m.group(2)] = _number(v)
    return [box_of(c["x0"], c["y0"], c["x1"], c["y1"]) for c in corners]


def box_shapes(boxes: Sequence[Box]) -> list[dict[str, Any]]:
    """The boxes as editable Plotly rectangle shapes labelled B1, B2, ..."""
    return [
        {
            "type": "rect",
            "xref": "x",
            "yref": "y",
            "x0": w,
            "x1": e,
            "y0": s,
            "y1": n,
            "editable": True,
            "line": {"color": BOX_COLOUR, "width": 2},
            "fillcolor": "rgba(94,231,255,0.06)",
            "label": {"text": f"B{k + 1}", "textposition": "top left", "font": {"color": BOX_COLOUR, "size": 12}},
        }
        for k, (s, w, n, e) in enumerate(boxes)
    ]


@dataclass(frozen=True)
class BoxShare:
    """What a box (or all of them, ``name == "all"``) covers of one forecast slice."""

    name: str
    box: Box | None
    share: float  #: of the slice's predicted events in the whole area (only the stored top cells count)
    of_mapped: float  #: of the predicted events in the stored cells (1 for a box around them all)
    expected: float  #: expected events in the box (stored cells)
    area_share: float  #: of the grid's sea area


def _inside(lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], boxes: Sequence[Box]) -> npt.NDArray[np.bool_]:
    m = np.zeros(len(lat), dtype=bool)
    for s, w, n, e in boxes:
        m |= (lat >= s) & (lat <= n) & (lon >= w) & (lon <= e)
    return m


def box_shares(
    grid: Grid, sl: Slice, boxes: Sequence[Box], sea: npt.NDArray[np.bool_] | None = None
) -> tuple[list[BoxShare], BoxShare | None]:
    """Each box's share of the slice's predicted activity (:func:`box_share`), of the stored
    cells' activity, its expected events and its share of the sea area; then the same for all
    boxes together (overlaps counted once). ``sea``: the cells that count as area (all when None)."""
    lat, lon = grid.corners()
    c_lat, c_lon = lat + grid.res / 2, lon + grid.res / 2
    area = grid.area * (sea if sea is not None else 1.0)
    total_area = float(area.sum()) or 1.0
    mapped = float(sl.share.sum())
    cell_lat, cell_lon = c_lat[sl.cells], c_lon[sl.cells]

    def measure(name: str, box: Box | None, group: Sequence[Box], share: float) -> BoxShare:
        inside = _inside(cell_lat, cell_lon, group)
        return BoxShare(
            name,
            box,
            share,
            share / mapped if mapped > 0 else 0.0,
            float(sl.expected[inside].sum()),
            float(area[_inside(c_lat, c_lon, group)].sum()) / total_area,
        )

    rows = [measure(f"B{k + 1}", b, [b], box_share(sl, grid, *b)) for k, b in enumerate(boxes)]
    if not boxes:
        return rows, None
    union = float(sl.share[_inside(cell_lat, cell_lon, boxes)].sum())
    return rows, measure("all", None, boxes, union)


def _pct(x: float) -> str:
    return f"{x:.1%}" if x < 0.1 else f"{x:.0%}"


def patrol_panel(rows: Sequence[BoxShare], total: BoxShare | None) -> html.Div:
    """The boxes' table under the forecast controls (or how to draw one)."""
    if not rows:
        return html.Div(
            "Draw patrol boxes on the map with the rectangle tool of the map's toolbar (top right): each "
            "box's share of the predicted activity of the slice shown appears here.",
            className="muted small",
        )

    def tr(r: BoxShare) -> html.Tr:
        where = "all boxes" if r.box is None else (
            f"{abs(r.box[0]):.1f}°{'S' if r.box[0] < 0 else 'N'}–{abs(r.box[2]):.1f}°{'S' if r.box[2] < 0 else 'N'}, "
            f"{abs(r.box[1]):.1f}°{'W' if r.box[1] < 0 else 'E'}–{abs(r.box[3]):.1f}°{'W' if r.box[3] < 0 else 'E'}"
        )  # fmt: skip
        lift = r.share / r.area_share if r.area_share > 0 else 0.0
        return html.Tr(
            [html.Td(r.name), html.Td(where), html.Td(_pct(r.share)), html.Td(_pct(r.of_mapped)),
             html.Td(f"{r.expected:.1f}"), html.Td(_pct(r.area_share)), html.Td(f"{lift:.1f}")],
            className="box-total" if r.box is None else "",
        )  # fmt: skip

    head = ["box", "extent", "predicted", "of mapped", "events", "sea area", "× area"]
    return html.Div(
        [
            html.Table(
                [html.Tr([html.Th(h) for h in head]), *[tr(r) for r in rows], *([tr(total)] if total else [])],
                className="tbl patrol-boxes",
                id="patrol-table",
            ),
            html.Div(
                "predicted: share of the slice's predicted events in the box (the stored top 10 % of the "
                "sea area only); of mapped: of the events predicted in the cells drawn; × area: predicted "
                "share / sea-area share (the Predictive Accuracy Index of the box).",
                className="muted small",
            ),
        ]
    )
