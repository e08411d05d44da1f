"""Who may use the dashboard: user accounts (password hashes) and/or a shared token, from the
environment or a config file, never from code; and a limit on failed sign-ins.

Used by :mod:`maritime.dashboard.routes` (every request checks them when they are configured)
and by :mod:`maritime.dashboard.server` (no credentials: loopback only).
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
import time
import tomllib
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from maritime.errors import MaritimeError

#: Password hash formats accepted: werkzeug.security's (``generate_password_hash``).
HASH_PREFIXES = ("pbkdf2:", "scrypt:")
#: Who a holder of the shared token is, whatever user name they type.
TOKEN_NAME = "token"
_HASH_HINT = (
    'give a password hash, e.g. python -c "from werkzeug.security import generate_password_hash as g; '
    'print(g(input()))", not the password itself'
)


class CredentialsError(MaritimeError, ValueError):
    """The credentials configuration cannot be read; the message says what to fix."""


class Credentials:
    """User accounts and/or a shared token, from the environment or a config file — never code.

    * ``MARITIME_USERS="alice:HASH,bob:HASH"`` — each a werkzeug password hash
      (``pbkdf2:…`` or ``scrypt:…``); a password in clear is refused;
    * ``MARITIME_TOKEN=…`` — a shared token (at least 12 characters), accepted as the password
      of any user name or as ``Authorization: Bearer …``; its holder is recorded as
      :data:`TOKEN_NAME`, not as the name typed;
    * ``--auth-file FILE`` / ``$MARITIME_AUTH_FILE``: TOML with ``token = "…"`` and a
      ``[users]`` table of ``name = "hash"``.

    An unknown user name costs one password-hash check, as a wrong password does, so that
    the time of an answer does not tell which names exist.
    """

    def __init__(self, users: Mapping[str, str] | None = None, token: str | None = None) -> None:
        self.users = dict(users or {})
        for name, secret in self.users.items():
            if not secret.startswith(HASH_PREFIXES):
                raise CredentialsError(f"user {name}: {_HASH_HINT}")
        self.token = token or None
        self._decoy: str | None = None
        self._decoy_lock = threading.Lock()

    @property
    def configured(self) -> bool:
        return bool(self.users or self.token)

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, path: str | os.PathLike[str] | None = None) -> Credentials:
        """From ``MARITIME_USERS``, ``MARITIME_TOKEN`` and the auth file (``path`` or
        ``$MARITIME_AUTH_FILE``); a setting that cannot be used raises :class:`CredentialsError`."""
        env = os.environ if environ is None else environ
        users: dict[str, str] = {}
        token = env.get("MARITIME_TOKEN") or None
        for item in (env.get("MARITIME_USERS") or "").split(","):
            if not item.strip():
                continue
            name, sep, secret = item.strip().partition(":")
            if not sep or not name or not secret:
                raise CredentialsError("MARITIME_USERS: write name:hash pairs separated by commas")
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
                raise CredentialsError(f"auth file {path}: [users] must map names to password hashes")
            users.update(file_users)
            if doc.get("token"):
                token = str(doc["token"])
        if token is not None and len(token) < 12:
            raise CredentialsError("the token must be at least 12 characters")
        return cls(users, token)

    def _decoy_hash(self) -> str:
        """A hash of a random password made like the users' own, to check unknown names against."""
        with self._decoy_lock:
            if self._decoy is None:
                method = next(iter(self.users.values())).split("$", 1)[0] if self.users else "scrypt"
                self._decoy = generate_password_hash(secrets.token_hex(16), method=method)
            return self._decoy

    def is_token(self, token: str | None) -> bool:
        """Whether ``token`` is the shared token (compared in constant time)."""
        return bool(self.token and token and hmac.compare_digest(token.encode(), self.token.encode()))

    def identify(self, username: str | None, password: str | None) -> str | None:
        """Who signs in with ``username`` and ``password``: the user name, :data:`TOKEN_NAME`
        for the shared token, or ``None``."""
        if not username or password is None:
            return None
        if self.is_token(password):
            return TOKEN_NAME
        secret = self.users.get(username)
        if secret is None:
            check_password_hash(self._decoy_hash(), password)  # as long as a wrong password takes
            return None
        return username if check_password_hash(secret, password) else None

    def check(self, username: str | None, password: str | None) -> bool:
        """Whether ``username`` and ``password`` sign in."""
        return self.identify(username, password) is not None


class SignInLimiter:
    """At most ``max_failures`` failed sign-ins per client address within ``window_s`` seconds;
    after that the address is refused until its oldest failure leaves the window.

    Defaults: 10 failures in 5 minutes, in the spirit of NIST SP 800-63B §5.2.2 (limit failed
    attempts) and OWASP's Authentication Cheat Sheet (throttle, do not lock accounts out: the
    limit is per address, so nobody can lock an officer out by typing their name). Wall-clock
    (monotonic) time: this is about the attacker's requests, not about the data.
    """

    def __init__(
        self,
        max_failures: int = 10,
        window_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
        max_addresses: int = 10_000,
    ) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self.clock = clock
        self.max_addresses = max_addresses
        self.lock = threading.Lock()
        self.failures: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, address: str, now: float) -> deque[float]:
        d = self.failures.get(address) or deque()
        while d and d[0] <= now - self.window_s:
            d.popleft()
        return d

    def retry_after(self, address: str) -> float:
        """Seconds before ``address`` may try again (0: it may now)."""
        now = self.clock()
        with self.lock:
            d = self._recent(address, now)
            if len(d) < self.max_failures:
                return 0.0
            return max(0.0, d[-self.max_failures] + self.window_s - now)

    def failed(self, address: str) -> None:
        """Count a failed sign-in from ``address``."""
        now = self.clock()
        with self.lock:
            d = self._recent(address, now)
            d.append(now)
            self.failures[address] = d
            self.failures.move_to_end(address)
            while len(self.failures) > self.max_addresses:
                self.failures.popitem(last=False)
