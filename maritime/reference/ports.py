"""Ports and anchorages of the Pacific coast of the Americas, Mexico to Chile (Galápagos included).

The table is bundled as ``maritime/reference/data/ports.csv``; see ``data/SOURCES.md`` for its
origin. Coordinates are WGS84 decimal degrees and approximate to about 1 km.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

#: Columns of the table returned by :func:`load_ports`, in order.
PORT_COLUMNS: tuple[str, ...] = ("name", "country", "lat", "lon", "kind")

#: Allowed values of the ``kind`` column.
PORT_KINDS: frozenset[str] = frozenset({"port", "anchorage"})


def default_ports_path() -> Path:
    """Path of the bundled ``ports.csv``."""
    return Path(str(resources.files("maritime.reference").joinpath("data", "ports.csv")))


def load_ports(path: str | Path | None = None) -> pd.DataFrame:
    """Load the ports table.

    Args:
        path: a CSV with at least the columns ``name,country,lat,lon,kind`` (an optional
            ``wpi_number`` column is kept); ``None`` reads the bundled table.

    Returns:
        A DataFrame with one row per port or anchorage: ``name`` (str), ``country`` (ISO 3166
        alpha-2), ``lat``/``lon`` (float64, WGS84 degrees), ``kind`` (``"port"`` or
        ``"anchorage"``) and ``wpi_number`` (nullable Int64, World Port Index number where known).

    Raises:
        ValueError: if a required column is missing, a coordinate is out of range or a kind is
            unknown.
    """
    src = Path(path) if path is not None else default_ports_path()
    df = pd.read_csv(src, comment="#", dtype={"name": str, "country": str, "kind": str})
    missing = [c for c in PORT_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"{src}: missing column(s) {', '.join(missing)}")
    df["lat"] = df["lat"].astype("float64")
    df["lon"] = df["lon"].astype("float64")
    if not df["lat"].between(-90, 90).all() or not df["lon"].between(-180, 180).all():
        raise ValueError(f"{src}: latitude or longitude out of range")
    bad = sorted(set(df["kind"]) - PORT_KINDS)
    if bad:
        raise ValueError(f"{src}: unknown kind(s) {', '.join(map(str, bad))} (expected port|anchorage)")
    if "wpi_number" not in df.columns:
        df["wpi_number"] = pd.array([pd.NA] * len(df), dtype="Int64")
    else:
        df["wpi_number"] = df["wpi_number"].astype("Int64")
    return df[[*PORT_COLUMNS, "wpi_number"]].reset_index(drop=True)
