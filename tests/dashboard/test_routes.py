"""The app's HTTP surface through Flask's test client: the page, its policy, sign-in, export."""

from __future__ import annotations

import base64
import json

import pytest
from werkzeug.security import generate_password_hash

from maritime.dashboard.app import create_app
from maritime.dashboard.auth import Credentials
from maritime.store.database import Store


@pytest.fixture
def app_store(db_path):
    s = Store(db_path)
    yield s
    s.close()


def _basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_app_serves_locally_with_a_strict_policy(app_store):
    app = create_app(app_store.cursor)
    client = app.server.test_client()
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "https://" not in html and "http://" not in html.replace("http://www.w3.org", "")
    assert "connect-src 'self'" in page.headers["Content-Security-Policy"]
    layout = client.get("/_dash-layout")
    assert layout.status_code == 200 and "alerts-grid" in layout.get_data(as_text=True)
    deps = client.get("/_dash-dependencies").get_json()
    assert any("vessel-data.data" in d["output"] for d in deps)
    health = client.get("/healthz").get_json()
    assert health["ok"] and health["vessels"] > 150 and health["data_last"] == "2025-01-15T23:59:59Z"


def test_layout_reopens_the_view_of_the_url(app_store):
    app = create_app(app_store.cursor)
    client = app.server.test_client()
    ref = "http://localhost/?live=0&end=2025-01-15T12:00:00Z&win=6h&kind=rendezvous&mmsi=412382233&tab=results"
    body = client.get("/_dash-layout", headers={"Referer": ref}).get_data(as_text=True)
    doc = json.loads(body)
    text = json.dumps(doc)
    assert '"win": "6h"' in text or '"win":"6h"' in text.replace(" ", "")
    assert "412382233" in text and '"results"' in text


def test_credentials_are_required_when_configured(app_store):
    creds = Credentials({"alice": generate_password_hash("s3cret-pass")}, token="a-long-shared-token")
    client = create_app(app_store.cursor, credentials=creds).server.test_client()
    r = client.get("/")
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Basic")
    assert client.get("/", headers=_basic("alice", "nope")).status_code == 401
    assert client.get("/", headers=_basic("alice", "s3cret-pass")).status_code == 200
    assert client.get("/healthz", headers={"Authorization": "Bearer a-long-shared-token"}).status_code == 200
    assert client.get("/export/events.csv").status_code == 401
    layout = client.get("/_dash-layout", headers=_basic("alice", "s3cret-pass")).get_data(as_text=True)
    assert "signed-user" in layout and "alice" in layout


def test_export_route(app_store):
    client = create_app(app_store.cursor).server.test_client()
    r = client.get("/export/events.geojson?kind=loitering&status=all")
    assert r.status_code == 200 and r.headers["Content-Disposition"].startswith("attachment;")
    feats = r.get_json()["features"]
    assert len(feats) == 3 and {f["properties"]["kind"] for f in feats} == {"loitering"}
    assert client.get("/export/events.exe").status_code == 404
