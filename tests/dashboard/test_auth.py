"""Sign-in: credentials from the environment and from a file."""

from __future__ import annotations

import pytest
from werkzeug.security import generate_password_hash

from maritime.dashboard.auth import Credentials, CredentialsError


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
