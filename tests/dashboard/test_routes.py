"""The app's HTTP surface through Flask's test client: the page, its policy, sign-in, export."""

from __future__ import annotations

import base64
import json
import threading
import time

import pytest
from werkzeug.security import generate_password_hash

from maritime.dashboard import server
from maritime.dashboard.app import create_app
from maritime.dashboard.auth import Credentials, SignInLimiter
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


# -- hostile input: 400, never 500 --------------------------------------------------------------


def _callback(client, output: str, values: dict, changed: str) -> object:
    """POST the Dash callback whose (first) output is ``output`` as the page would, with
    ``values`` (``"id.prop"`` → value)."""
    deps = next(
        d
        for d in client.get("/_dash-dependencies").get_json()
        if d["output"] == output or d["output"].startswith(f"..{output}...")
    )
    output = deps["output"]

    def items(specs: list) -> list:
        return [
            {"id": i["id"], "property": i["property"], "value": values.get(f"{i['id']}.{i['property']}")} for i in specs
        ]

    outputs = [{"id": part.split(".")[0], "property": part.split(".")[1]} for part in output.strip(".").split("...")]
    body = {
        "output": output,
        "outputs": outputs if output.startswith("..") else outputs[0],
        "inputs": items(deps["inputs"]),
        "state": items(deps["state"]),
        "changedPropIds": [changed],
    }
    return client.post("/_dash-update-component", json=body)


def test_bad_values_in_links_and_export_urls_are_answered_400(app_store):
    client = create_app(app_store.cursor).server.test_client()
    for query in ("stale=inf", "stale=nan", "conf=1e999", "win=99y", "view=1,2,3", "end=never", "mmsi=12a"):
        r = client.get(f"/export/events.csv?{query}")
        assert r.status_code == 400 and r.get_data(as_text=True).count("\n") == 1, query
        assert client.get(f"/?{query}").status_code == 400, query
    assert client.get("/export/events.csv?stale=30&win=6h").status_code == 200
    assert client.get("/?stale=30&kind=loitering").status_code == 200
    # the layout reads the view from the referrer: leniently, the page always loads
    assert client.get("/_dash-layout", headers={"Referer": "http://localhost/?stale=inf"}).status_code == 200


def test_crafted_callback_values_are_answered_400(app_store):
    client = create_app(app_store.cursor).server.test_client()
    client.get("/")
    results = "results-panel.children"
    ok = _callback(client, results, {"side-tabs.value": "results", "state.data": {"stale": 30}}, "state.data")
    assert ok.status_code == 200
    for crafted in ({"stale": "inf"}, {"stale": 1e308}, {"conf": "x"}, {"view": "abcd"}, {"kinds": 5}, [1, 2]):
        r = _callback(client, results, {"side-tabs.value": "results", "state.data": crafted}, "state.data")
        assert r.status_code == 400, crafted
    vessels = "vessel-data.data"
    for name, value in (("session.data", ["x"]), ("vessel-applied.data", {"seq": "1"}), ("selection.data", "a")):
        r = _callback(client, vessels, {"state.data": {}, name: value}, "state.data")
        assert r.status_code == 400, name
    clock = "clock.children"
    assert _callback(client, clock, {"state.data": {}, "end-slider.value": "x"}, "state.data").status_code == 400
    controls = "state.data"
    r = _callback(client, controls, {"min-conf.value": "abc", "live.value": ["live"]}, "min-conf.value")
    assert r.status_code == 400
    act = "action-msg.children"
    values = {"btn-ack.n_clicks": 1, "selection.data": {"event_id": "truth-0-loitering"}, "operator.value": ["A"]}
    assert _callback(client, act, values, "btn-ack.n_clicks").status_code == 400


# -- sign-in and hosts ---------------------------------------------------------------------------


def test_a_token_holder_acts_as_the_token(app_store):
    creds = Credentials({"alice": generate_password_hash("s3cret-pass")}, token="a-long-shared-token")
    client = create_app(app_store.cursor, credentials=creds).server.test_client()
    auth = _basic("the-admiral", "a-long-shared-token")
    layout = client.get("/_dash-layout", headers=auth).get_data(as_text=True)
    assert "the-admiral" not in layout and "token" in layout
    client.environ_base["HTTP_AUTHORIZATION"] = auth["Authorization"]
    values = {"btn-ack.n_clicks": 1, "selection.data": {"event_id": "truth-0-loitering"}, "operator.value": "x"}
    assert _callback(client, "action-msg.children", values, "btn-ack.n_clicks").status_code == 200
    actor = app_store.cursor().execute("SELECT actor FROM alert_actions").fetchall()
    assert actor == [("token",)]


def test_failed_sign_ins_are_rate_limited(app_store):
    now = [0.0]
    creds = Credentials({"alice": generate_password_hash("s3cret-pass")})
    limiter = SignInLimiter(max_failures=3, window_s=60, clock=lambda: now[0])
    client = create_app(app_store.cursor, credentials=creds, limiter=limiter).server.test_client()
    for _ in range(3):
        assert client.get("/healthz", headers=_basic("alice", "guess")).status_code == 401
    r = client.get("/healthz", headers=_basic("alice", "s3cret-pass"))
    assert r.status_code == 429 and int(r.headers["Retry-After"]) == 60
    other = client.get("/healthz", headers=_basic("alice", "s3cret-pass"), environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other.status_code == 200
    now[0] = 61
    assert client.get("/healthz", headers=_basic("alice", "s3cret-pass")).status_code == 200


def test_the_host_header_must_name_this_machine_on_loopback(app_store):
    client = create_app(app_store.cursor, allowed_hosts=server.allowed_hosts("127.0.0.1")).server.test_client()
    assert client.get("/healthz", headers={"Host": "127.0.0.1:8050"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "localhost:8050"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "[::1]:8050"}).status_code == 200
    for evil in ("rebind.attacker.example:8050", "127.0.0.1.nip.io", "evil"):
        assert client.get("/", headers={"Host": evil}).status_code == 400, evil
        assert client.get("/export/events.csv", headers={"Host": evil}).status_code == 400, evil
    assert server.allowed_hosts("0.0.0.0") is None and "::1" in server.allowed_hosts("::1")


def test_closing_the_pool_interrupts_requests_and_refuses_new_ones(app_store):
    from maritime.dashboard import queries as q

    pool = q.CursorPool(app_store.cursor)
    outcome: list[str] = []

    def long_request() -> None:
        try:
            with pool.cursor() as cur:
                cur.execute("SELECT count(*) FROM range(100000000000::BIGINT) r WHERE r % 7 = 3").fetchall()
        except Exception as exc:  # noqa: BLE001 - the test looks at what it was
            outcome.append(type(exc).__name__)

    t = threading.Thread(target=long_request)
    t.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    assert pool.close(time.monotonic() + 5) and time.monotonic() - t0 < 2
    t.join(2)
    assert outcome == ["InterruptException"]
    with pytest.raises(q.PoolClosed), pool.cursor():
        pass
    client = create_app(app_store.cursor).server.test_client()
    client.application.extensions["maritime"].pool.close(time.monotonic())
    assert client.get("/healthz").status_code == 503
