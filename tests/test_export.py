"""Event export formats (maritime.export): pure functions of rows."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

from maritime import export

ROWS = [
    {
        "event_id": "e1",
        "kind": "loitering",
        "mmsi": 352847939,
        "name": '=HYPERLINK("x")',
        "lat": 7.5,
        "lon": -79.25,
        "start_utc": "2025-01-15T10:00:00Z",
        "end_utc": "",
        "details": {"duration_h": 3.5},
        "zone": None,
    },
    {
        "event_id": 'e"2<',
        "kind": "dark_period",
        "mmsi": 1,
        "name": None,
        "lat": None,
        "lon": None,
        "start_utc": "2025-01-15T11:00:00Z",
        "end_utc": "2025-01-15T12:00:00Z",
        "details": {},
        "zone": "Gulf & Bay",
    },
]


def test_csv_defuses_formulas_and_writes_none_as_empty():
    text = export.to_csv(ROWS, ["event_id", "name", "zone", "missing"])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["name"] == '\'=HYPERLINK("x")' and rows[0]["zone"] == "" and rows[0]["missing"] == ""
    assert rows[1]["name"] == "" and rows[1]["zone"] == "Gulf & Bay"
    assert text.endswith("\n") and "\r" not in text


def test_csv_as_the_events_command_writes_it():
    text = export.to_csv(ROWS, ["event_id", "name", "details"], formula_safe=False, json_fields=("details",))
    lines = text.splitlines()
    assert lines[0] == "event_id,name,details"
    assert lines[1] == 'e1,"=HYPERLINK(""x"")","{""duration_h"": 3.5}"'
    assert lines[2] == '"e""2<",,{}'


def test_json_is_the_rows():
    assert json.loads(export.to_json(ROWS)) == ROWS
    assert export.to_json([]) == "[]"


def test_geojson_points_and_null_geometry_without_position():
    doc = json.loads(export.to_geojson(ROWS, id_field="event_id"))
    assert doc["type"] == "FeatureCollection" and [f["id"] for f in doc["features"]] == ["e1", 'e"2<']
    first, second = doc["features"]
    assert first["geometry"] == {"type": "Point", "coordinates": [-79.25, 7.5]}  # lon, lat (RFC 7946)
    assert second["geometry"] is None and first["properties"]["details"] == {"duration_h": 3.5}
    plain = json.loads(export.to_geojson(ROWS[:1], properties=lambda r: {"kind": r["kind"]}))
    assert list(plain["features"][0]) == ["type", "geometry", "properties"]
    assert plain["features"][0]["properties"] == {"kind": "loitering"}


def test_kml_escapes_text_and_skips_rows_without_position():
    rows = [dict(ROWS[0], event_id='a"<b>', name="A & B <x>"), ROWS[1]]
    root = ET.fromstring(export.to_kml(rows, ["event_id", "kind", "zone"]))
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    marks = root.findall(".//k:Placemark", ns)
    assert len(marks) == 1 and marks[0].get("id") == 'a"<b>'
    assert marks[0].find("k:name", ns).text == "loitering 352847939 A & B <x>"
    assert marks[0].find("k:description", ns).text == 'event_id: a"<b>\nkind: loitering'
    assert marks[0].find(".//k:coordinates", ns).text == "-79.250000,7.500000,0"
    assert marks[0].find(".//k:begin", ns).text == "2025-01-15T10:00:00Z" and marks[0].find(".//k:end", ns) is None
