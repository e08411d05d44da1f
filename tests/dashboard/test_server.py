"""``maritime serve``: binding and the command's one-line errors."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from maritime.dashboard import server
from maritime.dashboard.auth import Credentials

from .conftest import REPO


def test_refuses_to_bind_beyond_loopback_without_credentials():
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        server.check_bind(host, Credentials())
    for host in ("0.0.0.0", "192.168.1.10", "::"):
        with pytest.raises(server.ServeError, match="without credentials"):
            server.check_bind(host, Credentials())
        server.check_bind(host, Credentials(token="a-long-shared-token"))


def test_serve_command_refuses_public_address(capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("MARITIME_TOKEN", raising=False)
    monkeypatch.delenv("MARITIME_USERS", raising=False)
    monkeypatch.delenv("MARITIME_AUTH_FILE", raising=False)
    assert server.main(["--db", str(tmp_path / "x.duckdb"), "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("maritime: error: refusing to serve on 0.0.0.0") and err.count("\n") == 1


def _serve_process(*args: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARITIME_")}
    return subprocess.Popen(
        [sys.executable, "-m", "maritime.dashboard.server", "--host", "127.0.0.1", *args],
        cwd=REPO,
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_busy_port_is_one_line_and_creates_no_database(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        proc = _serve_process("--db", str(tmp_path / "new.duckdb"), "--port", str(port))
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert err.startswith(f"maritime: error: cannot listen on 127.0.0.1:{port}: ") and err.count("\n") == 1, err
    assert not list(tmp_path.iterdir())


def test_bad_zones_or_config_are_one_line_and_create_no_database(tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json")
    for option, value, want in (
        ("--zones", str(bad), "maritime: error: --zones: "),
        ("--zones", str(tmp_path / "none.geojson"), "maritime: error: --zones: file "),
        ("--config", str(tmp_path / "none.toml"), "maritime: error: --config: file "),
    ):
        proc = _serve_process("--db", str(tmp_path / "new.duckdb"), "--port", "0", option, value)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 2 and err.startswith(want) and err.count("\n") == 1, err
    assert not (tmp_path / "new.duckdb").exists()


def test_serve_stores_the_zones_and_thresholds_it_is_given(db_path, tmp_path):
    import duckdb

    ours = tmp_path / "ours.geojson"
    square = [[[-179, -60], [-60, -60], [-60, 60], [-179, 60], [-179, -60]]]
    feature = {
        "type": "Feature",
        "properties": {"name": "Ours"},
        "geometry": {"type": "Polygon", "coordinates": square},
    }
    ours.write_text(json.dumps(feature))
    strict = tmp_path / "strict.toml"
    strict.write_text("[dark]\nmin_gap_hours = 4.0\n")
    proc = _serve_process(
        "--db", str(db_path), "--port", "0", "--no-detect", "--zones", str(ours), "--config", str(strict)
    )
    try:
        assert proc.stderr is not None
        lines = []
        for line in proc.stderr:
            lines.append(line)
            if "watch floor at" in line:
                break
        assert any(f"zones: {ours} (new: replaces the bundled patrol zones" in x for x in lines), lines
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute("SELECT zones_source, config_source, config_toml FROM detection_settings").fetchall()
    assert rows == [(str(ours), str(strict), "[dark]\nmin_gap_hours = 4.0\n")]


def test_sigterm_stops_within_5_s_while_detection_runs(db_path):
    proc = _serve_process("--db", str(db_path), "--port", "0", "--detect-every", "0.05")
    try:
        line = proc.stderr.readline()
        assert "watch floor at" in line, line
        time.sleep(3)  # detection is under way (its first run builds the reference rasters)
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=5)
        assert time.monotonic() - t0 < 5
        assert proc.returncode == 0  # not -6 (SIGABRT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
