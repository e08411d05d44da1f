"""``maritime serve``: binding and the command's one-line errors."""

from __future__ import annotations

import pytest

from maritime.dashboard import server
from maritime.dashboard.auth import Credentials


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
