"""Patrol boxes drawn on the map and their share of the predicted activity, on the stored
forecast of a months-long scenario."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from maritime.analytics.hotspots import box_share
from maritime.analytics.hotspots_store import sea_mask
from maritime.dashboard import hotspot_layer as hl
from maritime.dashboard import patrol_boxes as pb
from maritime.dashboard.inputs import BadInput

from .conftest import text_of


@pytest.fixture(scope="module")
def day(months_db):
    """Grid, slice and cell rows of the 4th day of the stored 7-day forecast."""
    con = duckdb.connect(str(months_db), read_only=True)
    try:
        fc = hl.read_forecast(con, "7d")
        rows = hl.read_cells(con, fc, 3)
    finally:
        con.close()
    grid, sl = hl.slice_of(rows, fc.slices[3])
    return grid, sl, rows


def test_boxes_from_what_the_map_reports() -> None:
    drawn = {"shapes": [{"type": "rect", "xref": "x", "yref": "y", "x0": -80.0, "x1": -82.5, "y0": 1.0, "y1": -2.0}]}
    assert pb.boxes_from_relayout(drawn, []) == [(-2.0, -82.5, 1.0, -80.0)]
    two = {"shapes": drawn["shapes"] + [{"type": "rect", "x0": -90, "x1": -89, "y0": -5, "y1": -4, "label": {}}]}
    boxes = pb.boxes_from_relayout(two, [(-2.0, -82.5, 1.0, -80.0)])
    assert boxes == [(-2.0, -82.5, 1.0, -80.0), (-5.0, -90.0, -4.0, -89.0)]
    # moved / resized: only the corners that changed are reported
    moved = pb.boxes_from_relayout({"shapes[1].x0": -91.25, "shapes[1].y1": -3.0}, boxes)
    assert moved == [(-2.0, -82.5, 1.0, -80.0), (-5.0, -91.25, -3.0, -89.0)]
    # erased: the remaining list; a pan or zoom does not touch the boxes
    assert pb.boxes_from_relayout({"shapes": []}, boxes) == []
    assert pb.boxes_from_relayout({"xaxis.range[0]": -90, "xaxis.range[1]": -80}, boxes) is None
    assert pb.boxes_from_relayout(None, boxes) is None
    # lines and circles are not boxes
    assert pb.boxes_from_relayout({"shapes": [{"type": "line", "x0": 0, "x1": 1, "y0": 0, "y1": 1}]}, []) == []
    for bad in ({"shapes": "x"}, {"shapes": [{"type": "rect", "x0": "a", "x1": 1, "y0": 0, "y1": 1}]},
                {"shapes[5].x0": 1.0}, {"shapes[0].x0": float("inf")}):  # fmt: skip
        with pytest.raises(BadInput):
            pb.boxes_from_relayout(bad, [(-2.0, -82.5, 1.0, -80.0)])
    with pytest.raises(BadInput):
        pb.checked_boxes([[0, 0, 1]])
    with pytest.raises(BadInput):
        pb.checked_boxes([[0, 0, 1, 1]] * (pb.MAX_BOXES + 1))
    assert pb.checked_boxes([[1, 2, 0, 3]]) == [(0.0, 2.0, 1.0, 3.0)]


def test_box_shapes_are_labelled_and_editable() -> None:
    shapes = pb.box_shapes([(-2.0, -82.5, 1.0, -80.0), (-5.0, -90.0, -4.0, -89.0)])
    assert [s["label"]["text"] for s in shapes] == ["B1", "B2"]
    assert shapes[1]["x0"] == -90.0 and shapes[1]["y1"] == -4.0 and all(s["editable"] for s in shapes)
    # what the map reports back for these shapes gives the same boxes
    assert pb.boxes_from_relayout({"shapes": shapes}, []) == [(-2.0, -82.5, 1.0, -80.0), (-5.0, -90.0, -4.0, -89.0)]


def test_whole_area_empty_box_and_the_top_cell(day) -> None:
    grid, sl, rows = day
    sea = sea_mask(grid)
    whole = (grid.lat0, grid.lon0, grid.lat1, grid.lon1)
    empty = (-30.0, -60.0, -28.0, -58.0)  # inland South America, outside the grid
    top = rows[0]
    around_top = (top["cell_lat"] - 0.15, top["cell_lon"] - 0.15, top["cell_lat"] + 0.25, top["cell_lon"] + 0.25)
    shares, total = pb.box_shares(grid, sl, [whole, empty, around_top], sea)
    w, e, t = shares
    assert w.share == pytest.approx(float(sl.share.sum())) and w.of_mapped == pytest.approx(1.0)
    assert w.area_share == pytest.approx(1.0) and w.expected == pytest.approx(sum(r["expected"] for r in rows))
    assert (e.share, e.of_mapped, e.expected, e.area_share) == (0.0, 0.0, 0.0, 0.0)
    # the box around the forecast's peak cell: a tiny share of the sea, a far larger share of the activity
    assert 0 < t.area_share < 0.001
    assert t.share > 20 * t.area_share, (t.share, t.area_share)
    assert t.share == pytest.approx(box_share(sl, grid, *around_top))
    assert total is not None and total.name == "all" and total.share == pytest.approx(w.share)


def test_boxes_together_count_overlaps_once(day) -> None:
    grid, sl, rows = day
    lat, lon = rows[0]["cell_lat"], rows[0]["cell_lon"]
    a = (lat - 1.0, lon - 1.0, lat + 1.0, lon + 1.0)
    b = (lat - 0.5, lon - 0.5, lat + 1.5, lon + 1.5)
    far = (lat - 1.0, lon + 3.0, lat + 1.0, lon + 5.0)
    (sa, sb), both = pb.box_shares(grid, sl, [a, b])
    assert both is not None and max(sa.share, sb.share) < both.share < sa.share + sb.share
    (sa2, sf), disjoint = pb.box_shares(grid, sl, [a, far])
    assert disjoint is not None and disjoint.share == pytest.approx(sa2.share + sf.share)
    (same,), alone = pb.box_shares(grid, sl, [a])
    assert alone is not None and alone.share == pytest.approx(same.share)
    assert pb.box_shares(grid, sl, []) == ([], None)
    # every share is of the slice's predicted events: never above what the stored cells hold
    assert np.isclose(both.share / both.of_mapped, sl.share.sum())


def test_panel_lists_each_box_and_the_total(day) -> None:
    grid, sl, rows = day
    shares, total = pb.box_shares(grid, sl, [(-5.0, -85.0, 0.0, -80.0)], sea_mask(grid))
    text = text_of(pb.patrol_panel(shares, total))
    assert "B1" in text and "all boxes" in text and "5.0°S–0.0°N, 85.0°W–80.0°W" in text
    assert "Draw patrol boxes" in text_of(pb.patrol_panel([], None))
