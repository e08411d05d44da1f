"""Argument types and options shared by every ``maritime`` sub-command.

Kept apart from :mod:`maritime.cli` so that the sub-commands' own parsers (detection,
archive, serve) can use them without importing the command line that imports them.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from maritime.errors import UsageError

#: Help text of ``--db``; the resolution order is :func:`maritime.store.database.resolve_db_path`'s.
DB_HELP = "DuckDB file (default: $MARITIME_DB, else ./maritime.duckdb)"


def parse_time(text: str) -> datetime:
    """An ISO 8601 time; a time without a zone is UTC."""
    try:
        t = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise UsageError(f"cannot read time {text!r}: write it as ISO 8601, e.g. 2024-01-31T05:00:00Z") from None
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def positive_seconds(text: str) -> float:
    """argparse type: a non-negative number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must not be negative")
    return value


def add_db_option(p: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """``--db FILE``: the database a command reads or writes."""
    p.add_argument("--db", metavar="FILE", help=DB_HELP)
