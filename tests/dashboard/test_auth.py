"""Sign-in: credentials from the environment and from a file; hashes only; unknown names cost
as much as wrong passwords; failed sign-ins are limited."""

from __future__ import annotations

import time

import pytest
from werkzeug.security import generate_password_hash

from maritime.dashboard.auth import TOKEN_NAME, Credentials, CredentialsError, SignInLimiter


def test_credentials_from_environment_and_file(tmp_path):
    # issue 11 #16 refuses passwords in clear: bob's and dana's secrets are hashes now (they were
    # the passwords themselves); every other assertion is as before
    assert not Credentials.load({}).configured
    bob = generate_password_hash("plainpass")
    c = Credentials.load({"MARITIME_USERS": f"alice:{generate_password_hash('s3cret-pass')},bob:{bob}"})
    assert c.check("alice", "s3cret-pass") and not c.check("alice", "wrong") and c.check("bob", "plainpass")
    assert not c.check("carol", "plainpass") and not c.check(None, None)
    f = tmp_path / "auth.toml"
    f.write_text(f'token = "a-long-shared-token"\n[users]\ndana = "{generate_password_hash("pw-dana-123")}"\n')
    c = Credentials.load({}, f)
    assert c.check("anyone", "a-long-shared-token") and c.check("dana", "pw-dana-123")
    with pytest.raises(CredentialsError):
        Credentials.load({"MARITIME_TOKEN": "short"})
    with pytest.raises(CredentialsError):
        Credentials.load({"MARITIME_USERS": "nocolon"})
    f.write_text("users = [")
    with pytest.raises(CredentialsError):
        Credentials.load({}, f)


def test_passwords_in_clear_are_refused(tmp_path):
    with pytest.raises(CredentialsError, match="user bob: give a password hash"):
        Credentials.load({"MARITIME_USERS": "bob:plainpass"})
    f = tmp_path / "auth.toml"
    f.write_text('[users]\ndana = "pw-dana-123"\n')
    with pytest.raises(CredentialsError, match="user dana"):
        Credentials.load({}, f)
    with pytest.raises(CredentialsError):
        Credentials({"eve": "argon2$not-a-werkzeug-hash"})


def test_the_token_holder_is_the_token_not_the_name_typed():
    c = Credentials({"alice": generate_password_hash("s3cret-pass")}, token="a-long-shared-token")
    assert c.identify("alice", "a-long-shared-token") == TOKEN_NAME
    assert c.identify("the-admiral", "a-long-shared-token") == TOKEN_NAME
    assert c.identify("alice", "s3cret-pass") == "alice" and c.identify("alice", "nope") is None


def test_an_unknown_user_takes_as_long_as_a_wrong_password():
    slow = generate_password_hash("s3cret-pass", method="pbkdf2:sha256:300000")
    c = Credentials({"alice": slow})
    c.check("nobody", "x")  # the decoy hash is made once, on first use

    def seconds(user: str) -> float:
        t0 = time.perf_counter()
        for _ in range(3):
            assert not c.check(user, "wrong-password")
        return time.perf_counter() - t0

    wrong, unknown = seconds("alice"), seconds("nobody")
    assert unknown > 0.5 * wrong, (unknown, wrong)


def test_failed_sign_ins_are_limited_per_address():
    now = [1000.0]
    lim = SignInLimiter(max_failures=3, window_s=60, clock=lambda: now[0])
    for _ in range(3):
        assert lim.retry_after("10.0.0.1") == 0
        lim.failed("10.0.0.1")
    assert lim.retry_after("10.0.0.1") == pytest.approx(60)
    assert lim.retry_after("10.0.0.2") == 0  # another address is not held back
    now[0] += 30
    assert lim.retry_after("10.0.0.1") == pytest.approx(30)
    now[0] += 31
    assert lim.retry_after("10.0.0.1") == 0
