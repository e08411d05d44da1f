"""The map's contacts layer and a contact's candidates, on the radar/satellite scenario."""

from __future__ import annotations

import pytest

from maritime.dashboard.app import create_app
from maritime.dashboard.contacts import candidates, layer
from maritime.decode.sensors import parse_sensors
from maritime.detect.runner import run_detection
from maritime.ingest.contacts import ContactOptions
from maritime.ingest.options import IngestOptions
from maritime.ingest.recordings import ingest_paths
from maritime.scenario.contacts import START, write_scenario
from maritime.store.database import Store


@pytest.fixture(scope="module")
def contact_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    tmp = tmp_path_factory.mktemp("contacts")
    write_scenario(tmp, seed=5, hours=1.5)
    sensors = parse_sensors((tmp / "sensors.toml").read_text(), "sensors.toml")
    store = Store(tmp / "c.duckdb")
    options = IngestOptions(progress=False, contacts=ContactOptions(sensors=sensors))
    ingest_paths(store, [str(tmp / n) for n in ("mixed.nmea", "detections.csv", "scenes.geojson")], options)
    run_detection(store.con)
    yield store
    store.close()


def test_layer_has_tracks_points_joins_and_footprints(contact_store: Store) -> None:
    cur = contact_store.cursor()
    d = layer(cur, START, START + 5400)
    assert d["footprints"] and d["footprints"][0]["id"] == "S1-1" and None in d["footprints"][0]["x"]
    matched = [t for t in d["tracks"] if t["matched"] is not None]
    dark = [t for t in d["tracks"] if t["matched"] is None]
    assert matched and dark and all(len(t["x"]) == len(t["ids"]) for t in d["tracks"])
    assert any(t["short"] for t in dark) and not all(t["short"] for t in dark)  # clutter vs dark vessels
    assert d["points"] and any(p["matched"] is None for p in d["points"])
    assert d["joins"] and all(len(j) == 4 for j in d["joins"])
    # a window before the data has nothing
    empty = layer(cur, START - 7200, START - 3600)
    assert empty == {"tracks": [], "points": [], "joins": [], "footprints": []}
    cid = matched[0]["ids"][0]
    c = candidates(cur, cid)
    assert c is not None and c["candidates"][0]["role"] == "match" and 0 < c["candidates"][0]["score"] <= 1
    assert candidates(cur, 10**9) is None


def test_contacts_routes(contact_store: Store) -> None:
    client = create_app(contact_store.cursor).server.test_client()
    ok = client.get(f"/contacts/layer.json?start={START}&end={START + 5400}")
    assert ok.status_code == 200 and ok.get_json()["tracks"]
    assert client.get("/contacts/layer.json?start=x&end=1").status_code == 400
    assert client.get(f"/contacts/layer.json?start={START + 10}&end={START}").status_code == 400
    first = ok.get_json()["points"][0]["id"]
    assert client.get(f"/contacts/{first}.json").get_json()["contact_id"] == first
    assert client.get("/contacts/999999999.json").status_code == 404
