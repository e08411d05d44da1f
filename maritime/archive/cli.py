"""``maritime archive``: the command-line adapter of the Parquet archive."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from maritime.arguments import add_db_option


def cell_degrees(text: str) -> float:
    """argparse type: a cell size in degrees that divides 180 (so cells tile the globe)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of degrees") from None
    if not 0 < value <= 90 or abs(180.0 / value - round(180.0 / value)) > 1e-9:
        raise argparse.ArgumentTypeError(f"{text!r} must divide 180 degrees, e.g. 1, 5 or 10")
    return value


def add_cell_option(p: argparse._ActionsContainer) -> None:
    p.add_argument(
        "--cell-deg",
        type=cell_degrees,
        metavar="DEG",
        help="also partition positions by a coarse cell of DEG degrees (e.g. 5); "
        "an archive keeps the choice it was started with",
    )


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    """The ``maritime archive`` sub-command."""
    p = subparsers.add_parser(
        "archive",
        help="copy positions, identity reports, vessels and events to Hive-partitioned Parquet",
        description="Bring a Parquet archive (a folder or an s3:// URL) up to date with the database: only the "
        "days that changed since the last run are written, each file atomically.",
    )
    p.add_argument("dest", metavar="DEST", help="archive folder, or URL such as s3://bucket/ais?endpoint_override=...")
    add_db_option(p)
    add_cell_option(p)


def cmd_archive(args: argparse.Namespace) -> int:
    from maritime.archive.export import mirror_database
    from maritime.archive.layout import open_archive, removed_if_failed
    from maritime.store.database import Store, StoreError, resolve_db_path

    path = resolve_db_path(args.db)
    if path != ":memory:" and not Path(path).exists():
        raise StoreError(f"database {path} does not exist: run `maritime ingest` first or give --db")
    store = Store(path, read_only=True)
    try:
        with removed_if_failed(args.dest):
            summary = mirror_database(store.con, open_archive(args.dest), args.cell_deg)
    finally:
        store.close()
    print("\n".join(summary.lines(args.dest)))
    return 0
