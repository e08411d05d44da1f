"""``maritime serve --watchlist --rules --sinks`` end to end: a replay of watch-listed vessels (one
changes its MMSI) raises alerts that reach a webhook (HMAC checked), an SMTP server (STARTTLS,
AUTH), and CoT listeners over UDP and TCP; every receiver is killed and restarted during the
replay and still ends with every alert exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from maritime.scenario.watchlisted import watchlist_csv, watchlisted_recording
from tests.alerts.receivers import CotReceiver, HttpReceiver, SmtpReceiver, free_port
from tests.conftest import REPO

SECRET = "live-test-secret"
RULES = """\
[[rule]]
id = "listed-seen"
kinds = ["watchlist_hit"]
severity = "critical"
"""


def _sinks(http: HttpReceiver, smtp: SmtpReceiver, udp: CotReceiver, tcp: CotReceiver, cert: Path) -> str:
    return f"""\
[delivery]
lease_seconds = 20
retry_base_seconds = 0.5
retry_cap_seconds = 2
[[sink]]
name = "hook"
type = "webhook"
url = "{http.url}"
secret = "{SECRET}"
timeout_seconds = 3
[[sink]]
name = "mail"
type = "email"
host = "127.0.0.1"
port = {smtp.port}
username = "{SmtpReceiver.USER}"
password = "{SmtpReceiver.PASSWORD}"
sender = "maritime@example.org"
recipients = ["watch@example.org"]
ca_file = "{cert}"
timeout_seconds = 3
[[sink]]
name = "tak-udp"
type = "cot"
host = "127.0.0.1"
port = {udp.port}
protocol = "udp"
[[sink]]
name = "tak-tcp"
type = "cot"
host = "127.0.0.1"
port = {tcp.port}
protocol = "tcp"
wait_for_close = true
timeout_seconds = 3
"""


def _wait(cond: object, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def test_every_receiver_killed_and_restarted_during_a_replay_gets_every_alert_once(
    tmp_path: Path, certificate: tuple[Path, Path]
) -> None:
    rec = watchlisted_recording(listed=12, stagger_minutes=5, report_minutes=10, change_after_h=1.0)
    (tmp_path / "rec.nmea").write_text("\n".join(rec.lines) + "\n")
    (tmp_path / "iuu.csv").write_text(watchlist_csv(rec))
    (tmp_path / "rules.toml").write_text(RULES)
    http, smtp = HttpReceiver(SECRET.encode()), SmtpReceiver(*certificate, port=free_port())
    udp, tcp = CotReceiver("udp"), CotReceiver("tcp")
    receivers = (http, smtp, udp, tcp)
    for r in receivers:
        r.start()
    (tmp_path / "sinks.toml").write_text(_sinks(http, smtp, udp, tcp, certificate[0]))
    db = tmp_path / "live.duckdb"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARITIME_")}
    args = ["--db", str(db), "--port", "0", "--no-detect", "--replay", str(tmp_path / "rec.nmea"), "--speed", "200"]
    args += ["--rules", str(tmp_path / "rules.toml"), "--watchlist", str(tmp_path / "iuu.csv")]
    args += ["--sinks", str(tmp_path / "sinks.toml"), "--alert-every", "0.3"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "maritime.dashboard.server", "--host", "127.0.0.1", *args],
        cwd=REPO,
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    expected = len(rec.expected_hits)
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert "watch floor at" in line, line + proc.stderr.read()
        assert _wait(lambda: len(http.ledger.accepted) >= 1, 90), "no alert reached the webhook"
        for r in receivers:  # killed while the replay goes on ...
            r.stop()
        down_at = {id(r): len(r.ledger.accepted) for r in receivers}
        time.sleep(4)
        for r in receivers:  # ... and back
            r.start()
        assert _wait(lambda: all(len(r.ledger.accepted) >= expected for r in receivers), 120), [
            len(r.ledger.accepted) for r in receivers
        ]
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
        for r in receivers:
            if getattr(r, "server", None) or getattr(r, "controller", None) or getattr(r, "sock", None):
                r.stop()
    assert all(down_at[id(r)] < expected for r in receivers)  # the outage hid alerts from each
    with duckdb.connect(str(db), read_only=True) as con:
        ids = {f"{a}/{rev}" for a, rev in con.execute("SELECT alert_id, revision FROM alert_outbox").fetchall()}
        states = con.execute(
            "SELECT sink, state, count(*), max(attempts) FROM alert_deliveries GROUP BY ALL"
        ).fetchall()
        payloads = [json.loads(p) for (p,) in con.execute("SELECT payload FROM alert_outbox").fetchall()]
    assert {p["mmsi"] for p in payloads} == rec.expected_hits  # the renamed hull included
    assert {(s, st, n) for s, st, n, _ in states} == {
        (s, "delivered", expected) for s in ("hook", "mail", "tak-udp", "tak-tcp")
    }
    assert any(m > 0 for *_, m in states)  # some sends failed while the receivers were down
    assert sorted(http.ledger.accepted) == sorted(ids) and sorted(smtp.ledger.accepted) == sorted(ids)
    cot_ids = {f"maritime-{i.split('/')[0]}-r{i.split('/')[1]}" for i in ids}
    assert set(udp.ledger.accepted) == cot_ids and set(tcp.ledger.accepted) == cot_ids
    for r in receivers:
        assert len(r.ledger.accepted) == len(set(r.ledger.accepted)) == expected
    assert http.ledger.bad_signatures == 0
