"""The project's error classes share one base, so the command line catches one type.

Every :class:`MaritimeError` is a problem a user can fix: its message is the one line the
CLI prints (``maritime: error: …``, exit 2), saying what was wrong and what to do.
"""

from __future__ import annotations


class MaritimeError(Exception):
    """Base of every error whose message is meant for the user, in one line."""


class UsageError(MaritimeError):
    """A bad option or input on the command line."""
