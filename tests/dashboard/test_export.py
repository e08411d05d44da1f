"""The dashboard's export of the current view (CSV, GeoJSON, KML)."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest

from maritime.dashboard import export, panels
from maritime.dashboard import state as st

from .conftest import WALL, now


def test_exports_carry_the_filtered_events(cur):
    panels.act(cur, "truth-6-rendezvous", "acknowledge", "Lt. Ramos", None, None, WALL)
    state = st.parse_state("?kind=rendezvous&status=all")
    data, mime, name = export.export_events(cur, state, "csv", now(cur))
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert mime.startswith("text/csv") and name.endswith(".csv")
    assert len(rows) == 3 and {r["kind"] for r in rows} == {"rendezvous"}
    assert {r["status"] for r in rows} == {"new", "acknowledged"}
    doc = json.loads(export.export_events(cur, state, "geojson", now(cur))[0])
    assert len(doc["features"]) == 3 and doc["features"][0]["geometry"]["type"] == "Point"
    kml = ET.fromstring(export.export_events(cur, state, "kml", now(cur))[0])
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    assert len(kml.findall(".//k:Placemark", ns)) == 3
    assert kml.find(".//k:Placemark/k:Point/k:coordinates", ns).text.count(",") == 2
    with pytest.raises(ValueError):
        export.export_events(cur, state, "xlsx", now(cur))


def test_csv_export_defuses_spreadsheet_formulas(cur):
    cur.execute("UPDATE vessels SET name = '=HYPERLINK(\"http://x\")' WHERE mmsi = 352847939")
    data, _, _ = export.export_events(cur, st.parse_state("?kind=loitering&status=all"), "csv", now(cur))
    rows = {r["mmsi"]: r for r in csv.DictReader(io.StringIO(data.decode()))}
    assert rows["352847939"]["name"].startswith("'=")
