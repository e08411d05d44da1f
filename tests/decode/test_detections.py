"""Satellite detection files (GFW layout CSV, GeoJSON) → contacts and scene footprints."""

from __future__ import annotations

import json

import pytest

from maritime.decode.detections import (
    DetectionFormatError,
    parse_time_us,
    read_detections_csv,
    read_detections_geojson,
)
from maritime.errors import MaritimeError

T = 1_651_400_000 * 1_000_000  # 2022-05-01 10:13:20 UTC

FOOT = '"POLYGON ((-86 9, -84 9, -84 10, -86 10, -86 9))"'
STAMP = "2022-05-01 10:13:20.000000 UTC"
GFW_CSV = f"""scene_id,detect_id,detect_timestamp,detect_lat,detect_lon,presence,length_m,footprint_wkt
S1A_IW_GRDH_1SDV_A,S1A_IW_GRDH_1SDV_A;-85.1;9.2,{STAMP},9.2,-85.1,0.93,41.5,{FOOT}
S1A_IW_GRDH_1SDV_A,S1A_IW_GRDH_1SDV_A;-85.3;9.5,{STAMP},9.5,-85.3,0.41,,{FOOT}
S1A_IW_GRDH_1SDV_A,x,not a time,9.5,-85.3,0.4,,
S1A_IW_GRDH_1SDV_A,y,2022-05-01T10:13:20Z,95.0,-85.3,0.4,,
S1A_IW_GRDH_1SDV_A,z,2022-05-01T10:13:20Z,9.5,-85.3,high,,
"""


def test_gfw_layout_csv() -> None:
    batch = read_detections_csv(GFW_CSV)
    a, b = batch.contacts
    assert (a.ts_us, a.lat, a.lon, a.length_m, a.confidence) == (T, 9.2, -85.1, 41.5, 0.93)
    assert a.scene_id == "S1A_IW_GRDH_1SDV_A" and a.detect_id.startswith("S1A") and a.source_kind == "sar"
    assert b.length_m is None and b.track_id is None
    assert a.sigma_major_m == a.sigma_minor_m == 100.0
    assert [(r.line_no, r.reason) for r in batch.rejects] == [(4, "bad_time"), (5, "bad_position"), (6, "bad_field")]
    (fp,) = batch.footprints  # one per scene
    assert fp.scene_id == "S1A_IW_GRDH_1SDV_A" and fp.ts_us == T and fp.wkt.startswith("POLYGON")


def test_paper_table_names_and_own_sigma() -> None:
    text = "detect_id,timestamp,lat,lon,presence_score,position_sigma_m\n1,1651400000,9.0,-85.0,0.8,250\n"
    batch = read_detections_csv(text, source_kind="optical", sensor_id="s2")
    (c,) = batch.contacts
    assert c.ts_us == T and c.confidence == 0.8 and c.sigma_major_m == 250.0
    assert c.source_kind == "optical" and c.sensor_id == "s2" and c.scene_id is None


def test_missing_columns_is_one_line_user_error() -> None:
    with pytest.raises(DetectionFormatError, match="no time column") as err:
        read_detections_csv("lat,lon\n1,2\n")
    assert isinstance(err.value, MaritimeError) and "\n" not in str(err.value)
    with pytest.raises(DetectionFormatError, match="not JSON"):
        read_detections_geojson("{")


def test_geojson_points_and_footprints() -> None:
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [-85.0, 9.0]},
                "properties": {"timestamp": "2022-05-01T10:13:20+00:00", "scene_id": "S", "length_m": 20},
            },
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [[[-86, 8], [-84, 8], [-84, 10], [-86, 8]]]},
                "properties": {"scene_id": "S", "time": "2022-05-01T10:13:20Z"},
            },
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1]}, "properties": {}},
            {"type": "Feature", "geometry": {"type": "LineString", "coordinates": []}, "properties": {}},
            {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": []}, "properties": {}},
        ],
    }
    batch = read_detections_geojson(json.dumps(doc))
    (c,) = batch.contacts
    assert (c.ts_us, c.lat, c.lon, c.length_m, c.scene_id) == (T, 9.0, -85.0, 20.0, "S")
    (fp,) = batch.footprints
    assert fp.scene_id == "S" and fp.ts_us == T and fp.wkt.startswith("POLYGON")
    assert [(r.line_no, r.reason) for r in batch.rejects] == [(3, "bad_position"), (4, "bad_geometry"), (5, "bad_time")]


@pytest.mark.parametrize(
    "value",
    ["2022-05-01 10:13:20 UTC", "2022-05-01T10:13:20Z", "2022-05-01T12:13:20+02:00", 1651400000, "1651400000000"],
)
def test_time_forms(value: object) -> None:
    assert parse_time_us(value) == T
