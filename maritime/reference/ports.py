"""Ports and anchorages of the whole world: the World Port Index plus Eastern Pacific anchorages.

Two bundled tables (see ``data/SOURCES.md``): :func:`load_ports` reads the first (or any
user table), :func:`load_world_ports` both:

- ``data/ports.csv``: 95 hand-placed ports and anchorages of the Pacific coast of the Americas,
  Mexico to Chile (Galápagos included), approximate to about 1 km. They add the anchorage areas
  off the ports, which the World Port Index does not list, and the scenario generator's lanes
  name them (``name|country``).
- ``data/world_port_index.csv``: all 3,803 ports of the World Port Index (NGA Pub. 150, public
  domain), built by ``tools/build_ports.py``.

Coordinates are WGS84 decimal degrees.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

import pandas as pd

#: Columns of the table returned by :func:`load_ports`, in order.
PORT_COLUMNS: tuple[str, ...] = ("name", "country", "lat", "lon", "kind")

#: Allowed values of the ``kind`` column.
PORT_KINDS: frozenset[str] = frozenset({"port", "anchorage"})


def default_ports_path() -> Path:
    """Path of the bundled ``ports.csv`` (the Eastern Pacific ports and anchorages)."""
    return Path(str(resources.files("maritime.reference").joinpath("data", "ports.csv")))


def world_port_index_path() -> Path:
    """Path of the bundled ``world_port_index.csv`` (all World Port Index ports)."""
    return Path(str(resources.files("maritime.reference").joinpath("data", "world_port_index.csv")))


def load_ports(path: str | Path | None = None) -> pd.DataFrame:
    """Load a ports table.

    Args:
        path: a CSV with at least the columns ``name,country,lat,lon,kind`` (an optional
            ``wpi_number`` column is kept); ``None`` reads the bundled Eastern Pacific
            ``ports.csv`` (see :func:`load_world_ports` for the whole world).

    Returns:
        A DataFrame with one row per port or anchorage: ``name`` (str), ``country`` (ISO 3166
        alpha-2), ``lat``/``lon`` (float64, WGS84 degrees), ``kind`` (``"port"`` or
        ``"anchorage"``) and ``wpi_number`` (nullable Int64, World Port Index number where known).

    Raises:
        ValueError: if a required column is missing, a coordinate is out of range or a kind is
            unknown.
    """
    return _read(Path(path) if path is not None else default_ports_path())


def load_world_ports() -> pd.DataFrame:
    """Every bundled port and anchorage: the Eastern Pacific ``ports.csv`` first (its row
    positions are those of :func:`load_ports`), then all World Port Index ports; the same
    columns as :func:`load_ports`. What :func:`maritime.reference.coast.distance_to_port_km`
    measures by default. The files are read once per process (a copy is returned)."""
    return _world_ports().copy()


@functools.lru_cache(maxsize=1)
def _world_ports() -> pd.DataFrame:
    return pd.concat([_read(default_ports_path()), _read(world_port_index_path())], ignore_index=True)


def _read(src: Path) -> pd.DataFrame:
    df = pd.read_csv(
        src, comment="#", dtype={"name": str, "country": str, "kind": str}, keep_default_na=False, na_values=[""]
    )
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
