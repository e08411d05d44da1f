"""Who may use the dashboard: user accounts and/or a shared token, from the environment or a
config file, never from code.

Used by :mod:`maritime.dashboard.routes` (every request checks them when they are configured)
and by :mod:`maritime.dashboard.server` (no credentials: loopback only).
"""

from __future__ import annotations

import hmac
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path

from maritime.errors import MaritimeError

_HASH_PREFIXES = ("pbkdf2:", "scrypt:", "argon2")


class CredentialsError(MaritimeError, ValueError):
    """The credentials configuration cannot be read; the message says what to fix."""


class Credentials:
    """User accounts and/or a shared token, from the environment or a config file — never code.

    * ``MARITIME_USERS="alice:SECRET,bob:SECRET"`` — each secret a werkzeug password hash
      (``pbkdf2:…``/``scrypt:…``, recommended) or the password itself;
    * ``MARITIME_TOKEN=…`` — a shared token, accepted as the password of any user name
      (who is then that name) or as ``Authorization: Bearer …``;
    * ``--auth-file FILE`` / ``$MARITIME_AUTH_FILE``: TOML with ``token = "…"`` and a
      ``[users]`` table of ``name = "hash or password"``.
    """

    def __init__(self, users: Mapping[str, str] | None = None, token: str | None = None) -> None:
        self.users = dict(users or {})
        self.token = token or None

    @property
    def configured(self) -> bool:
        return bool(self.users or self.token)

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, path: str | os.PathLike[str] | None = None) -> Credentials:
        env = os.environ if environ is None else environ
        users: dict[str, str] = {}
        token = env.get("MARITIME_TOKEN") or None
        for item in (env.get("MARITIME_USERS") or "").split(","):
            if not item.strip():
                continue
            name, sep, secret = item.strip().partition(":")
            if not sep or not name or not secret:
                raise CredentialsError("MARITIME_USERS: write name:secret pairs separated by commas")
            users[name] = secret
        path = path or env.get("MARITIME_AUTH_FILE")
        if path:
            try:
                doc = tomllib.loads(Path(path).read_text(encoding="utf-8"))
            except OSError as exc:
                raise CredentialsError(f"auth file {path}: {exc.strerror or exc}") from None
            except tomllib.TOMLDecodeError as exc:
                raise CredentialsError(f"auth file {path}: not valid TOML ({exc})") from None
            file_users = doc.get("users", {})
            if not isinstance(file_users, dict) or not all(isinstance(v, str) and v for v in file_users.values()):
                raise CredentialsError(f"auth file {path}: [users] must map names to password hashes or passwords")
            users.update(file_users)
            if doc.get("token"):
                token = str(doc["token"])
        if token is not None and len(token) < 12:
            raise CredentialsError("the token must be at least 12 characters")
        return cls(users, token)

    def check(self, username: str | None, password: str | None) -> bool:
        if not username or password is None:
            return False
        if self.token and hmac.compare_digest(password.encode(), self.token.encode()):
            return True
        secret = self.users.get(username)
        if secret is None:
            return False
        if secret.startswith(_HASH_PREFIXES):
            from werkzeug.security import check_password_hash

            return check_password_hash(secret, password)
        return hmac.compare_digest(password.encode(), secret.encode())
