"""``create_app``: the Dash app over one maritime database.

Offline by construction: Dash serves its own JavaScript and CSS (``serve_locally``), the map
is a cartesian figure over the project's own land and zone data, and a Content Security
Policy lets the page talk to this server only.

The app is put together from :mod:`maritime.dashboard.routes` (access, the page's layout,
export and health routes) and :mod:`maritime.dashboard.callbacks` (the Dash callbacks), which
share one :class:`~maritime.dashboard.context.AppContext`. What the callbacks compute are plain functions in
:mod:`~maritime.dashboard.state`, :mod:`~maritime.dashboard.sync`,
:mod:`~maritime.dashboard.panels`, :mod:`~maritime.dashboard.results` and
:mod:`~maritime.dashboard.export`.

Access: when credentials are configured (:class:`~maritime.dashboard.auth.Credentials`),
every request needs them and the authenticated user is the "who" of alert actions. Without
credentials the page asks for an operator name, and ``maritime serve`` binds only to a
loopback address.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any

import dash

from maritime.dashboard import callbacks, routes
from maritime.dashboard import queries as q
from maritime.dashboard.auth import Credentials, SignInLimiter
from maritime.dashboard.context import AppContext
from maritime.dashboard.sync import SessionCache

ASSETS = Path(__file__).resolve().parent / "assets"


def create_app(
    cursor_factory: Callable[[], Any],
    *,
    health: Callable[[], Mapping[str, Any]] | None = None,
    credentials: Credentials | None = None,
    refresh_s: float = 5.0,
    title: str = "Maritime watch",
    allowed_hosts: Collection[str] | None = None,
    limiter: SignInLimiter | None = None,
) -> dash.Dash:
    """The dashboard over the database reached through ``cursor_factory`` (e.g. ``Store.cursor``).

    ``health`` returns the live ingest/detection status (``maritime serve``'s
    ``Health.snapshot``); ``credentials`` turns on authentication (failed sign-ins limited by
    ``limiter``); the page refreshes every ``refresh_s`` seconds. With ``allowed_hosts``, a
    request whose ``Host`` header names another host is refused (400): a loopback server
    without credentials must not answer pages of other sites that resolve to it.
    """
    ctx = AppContext(
        pool=q.CursorPool(cursor_factory),
        cache=SessionCache(),
        credentials=credentials or Credentials(),
        health=health or dict,
        refresh_s=refresh_s,
        limiter=limiter or SignInLimiter(),
        allowed_hosts=None if allowed_hosts is None else frozenset(h.lower().strip("[]") for h in allowed_hosts),
    )
    app = dash.Dash(
        __name__,
        serve_locally=True,
        assets_folder=str(ASSETS),
        title=title,
        update_title=None,  # type: ignore[arg-type]  # Dash documents None (no "Updating..." title)
        suppress_callback_exceptions=False,
        compress=False,
    )
    app.config.include_assets_files = True
    app.server.extensions["maritime"] = ctx  # for the server's shutdown (ctx.pool.close)
    routes.register(app, ctx)
    callbacks.register(app, ctx)
    return app
