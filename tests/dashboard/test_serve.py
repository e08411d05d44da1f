"""``maritime serve`` pieces without a browser: credentials and binding, the replay source,
health, and the app's HTTP surface through Flask's test client."""

from __future__ import annotations

import base64
import gzip
import json
import threading
import time
from collections import Counter

import pytest
from werkzeug.security import generate_password_hash

from dashboard.app import Credentials, CredentialsError, create_app
from maritime import serve
from maritime.store.database import Store

# -- credentials and binding -----------------------------------------------------------------


def test_credentials_from_environment_and_file(tmp_path):
    assert not Credentials.load({}).configured
    c = Credentials.load({"MARITIME_USERS": f"alice:{generate_password_hash('s3cret-pass')},bob:plainpass"})
    assert c.check("alice", "s3cret-pass") and not c.check("alice", "wrong") and c.check("bob", "plainpass")
    assert not c.check("carol", "plainpass") and not c.check(None, None)
    f = tmp_path / "auth.toml"
    f.write_text('token = "a-long-shared-token"\n[users]\ndana = "pw-dana-123"\n')
    c = Credentials.load({}, f)
    assert c.check("anyone", "a-long-shared-token") and c.check("dana", "pw-dana-123")
    with pytest.raises(CredentialsError):
        Credentials.load({"MARITIME_TOKEN": "short"})
    with pytest.raises(CredentialsError):
        Credentials.load({"MARITIME_USERS": "nocolon"})
    f.write_text("users = [")
    with pytest.raises(CredentialsError):
        Credentials.load({}, f)


def test_refuses_to_bind_beyond_loopback_without_credentials():
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        serve.check_bind(host, Credentials())
    for host in ("0.0.0.0", "192.168.1.10", "::"):
        with pytest.raises(serve.ServeError, match="without credentials"):
            serve.check_bind(host, Credentials())
        serve.check_bind(host, Credentials(token="a-long-shared-token"))


def test_serve_command_refuses_public_address(capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("MARITIME_TOKEN", raising=False)
    monkeypatch.delenv("MARITIME_USERS", raising=False)
    monkeypatch.delenv("MARITIME_AUTH_FILE", raising=False)
    assert serve.main(["--db", str(tmp_path / "x.duckdb"), "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("maritime: error: refusing to serve on 0.0.0.0") and err.count("\n") == 1


# -- replay ------------------------------------------------------------------------------------


def test_line_data_time():
    assert serve.line_data_time(rb"\s:rEC-Manta,c:1736899207*5A\!AIVDM,1,1,,A,x,0*00") == 1736899207.0
    assert serve.line_data_time(rb"\c:1736899207123,s:x*00\!AIVDM,1,1,,A,x,0*00") == 1736899207.123
    assert serve.line_data_time(rb"\g:2-2-77*00\!AIVDM,2,2,7,A,x,0*00") is None
    assert (
        serve.line_data_time(b"!AIVDM,1,1,,A,x,0*26,d-109,S2105,t000100.00,T56.1,D08MN-XX-RNS1,1325394001")
        == 1325394001.0
    )


def test_replay_is_paced_by_data_time(tmp_path):
    path = tmp_path / "r.nmea.gz"
    lines = [rf"\s:st,c:{1736899200 + 2 * i}*00\!AIVDM,1,1,,A,x{i},0*00".encode() for i in range(6)]
    lines.insert(3, rb"\g:2-2-9*00\!AIVDM,2,2,9,A,y,0*00")  # no time of its own
    path.write_bytes(gzip.compress(b"\n".join(lines) + b"\n"))
    feed = serve.ReplayFeed(path, speed=20.0)  # 10 s of data in 0.5 s
    t0 = time.monotonic()
    got = list(feed.lines(threading.Event()))
    elapsed = time.monotonic() - t0
    assert [g.line for g in got] == lines and all(g.source == "replay://r.nmea.gz" for g in got)
    assert 0.4 <= elapsed < 2.0
    assert feed.finished and feed.status.lines == 7 and feed.data_time == 1736899210.0
    stop = threading.Event()
    stop.set()
    assert list(serve.ReplayFeed(path, 1.0).lines(stop)) == []


def test_health_snapshot_rates_and_states(tmp_path):
    path = tmp_path / "r.nmea"
    path.write_text("")
    replay = serve.ReplayFeed(path, 1.0)
    h = serve.Health([replay], silence_s=60)
    h.on_commit(Counter(decoded=120, positions_stored=100, rejected=2, rejected_checksum=2))
    snap = h.snapshot()
    assert snap["counts"]["rejected_checksum"] == 2 and snap["rate"] > 0
    assert snap["feeds"][0]["state"] == "replaying"
    list(replay.lines(threading.Event()))
    assert h.snapshot()["feeds"][0]["state"] == "finished"


# -- the app over HTTP -------------------------------------------------------------------------


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


def test_a_silent_feed_raises_an_alert_and_clears_it(store):
    from maritime.sources.live import FeedStatus

    class FakeFeed:
        def __init__(self) -> None:
            self.url = "tcp://127.0.0.1:9"
            self.status = FeedStatus(self.url, connected=True, last_line_at=time.time() - 60)

    feed = FakeFeed()
    health = serve.Health([feed], silence_s=5)
    stop = threading.Event()
    t = threading.Thread(target=serve._monitor_thread, args=(store, health, stop, 0.05))
    t.start()
    try:
        cur = store.cursor()
        deadline = time.time() + 5
        while time.time() < deadline and not cur.execute("SELECT count(*) FROM feed_alerts").fetchone()[0]:
            time.sleep(0.05)
        assert health.snapshot()["feeds"][0]["state"] == "silent"
        assert cur.execute("SELECT feed, resolved_at FROM feed_alerts").fetchall() == [(feed.url, None)]
        feed.status.last_line_at = time.time()  # lines flow again
        while (
            time.time() < deadline
            and cur.execute("SELECT count(*) FROM feed_alerts WHERE resolved_at IS NULL").fetchone()[0]
        ):
            time.sleep(0.05)
        assert cur.execute("SELECT count(*) FROM feed_alerts WHERE resolved_at IS NOT NULL").fetchone()[0] == 1
    finally:
        stop.set()
        t.join()
