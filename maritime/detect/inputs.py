"""Detector inputs shared by both engines: position columns → :class:`Tracks`, and patrol zones.

The DuckDB runner and the Dask cluster both read positions as an Arrow table with the
columns of ``sql/read_positions.sql`` (mmsi, t_us, lat, lon, sog, cog, msg_type,
station_code) and build their tracks here, so that they see the same numbers. Neither
function touches a database.

Units: times UTC seconds since the epoch, positions WGS84 degrees, speeds knots.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from maritime.detect.config import DetectConfig
from maritime.detect.tracks import Tracks, prepare_tracks

#: A patrol zone: (name, shapely polygon).
Zone = tuple[str, Any]
#: A row of the ``zones`` table: (name, description, GeoJSON text).
ZoneRow = tuple[str, str | None, str]


@dataclass(frozen=True)
class ZoneSet:
    """Zones already read (e.g. from the GeoJSON text stored in ``detection_settings``)."""

    zones: list[Zone]  #: for assignment
    rows: list[ZoneRow]  #: for the ``zones`` table


#: Zones as given by a caller: None (the bundled ones), a GeoJSON path, ``[(name, polygon), ...]``
#: or a :class:`ZoneSet`.
ZonesArg = str | Path | Sequence[Zone] | ZoneSet | None
#: The numpy columns of :func:`position_columns`.
Columns = dict[str, npt.NDArray[Any]]


def zones_rows(zones: ZonesArg) -> tuple[list[Zone], list[ZoneRow]]:
    """(zones for assignment, rows name/description/geojson) from a path, None or a list."""
    from shapely import to_geojson

    from maritime.reference.zones import default_zones_path, load_zones

    desc: dict[Any, Any]
    if isinstance(zones, ZoneSet):
        return list(zones.zones), list(zones.rows)
    if zones is None or isinstance(zones, (str, Path)):
        path = Path(zones) if zones is not None else default_zones_path()
        zl: list[Zone] = list(load_zones(path))
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            feats = doc.get("features", [doc]) if isinstance(doc, dict) else []
            desc = {f.get("properties", {}).get("name"): f.get("properties", {}).get("description") for f in feats}
        except (OSError, ValueError, AttributeError):
            desc = {}
    else:
        zl = list(zones)
        desc = {}
    rows: list[ZoneRow] = []
    seen: set[str] = set()
    for name, geom in zl:
        if name in seen:
            continue
        seen.add(name)
        d = desc.get(name)
        rows.append((name, d if isinstance(d, str) else None, str(to_geojson(geom))))
    return zl, rows


def zones_from_geojson(text: str, source: str) -> ZoneSet:
    """The zones of a GeoJSON text (as :func:`maritime.reference.zones.load_zones` reads a
    file, with the same checks); ``source`` names it in errors.

    Raises:
        ValueError: one line, as :func:`~maritime.reference.zones.load_zones`.
    """
    import tempfile

    # load_zones (via zones_rows) reads files: go through one, so that stored and given zones
    # pass the same checks
    with tempfile.TemporaryDirectory(prefix="maritime-zones-") as d:
        path = Path(d) / Path(source).name
        path.write_text(text, encoding="utf-8")
        try:
            zl, rows = zones_rows(path)
        except ValueError as exc:
            raise ValueError(str(exc).replace(str(path), source)) from None
    return ZoneSet(zl, rows)


def position_columns(tb: pa.Table) -> Columns:
    """Numpy copies of the columns of ``read_positions.sql`` (mmsi, t_us, lat, lon, sog, cog,
    msg_type, station_code) of an Arrow table; t in UTC seconds, NULL as NaN or -1."""

    def col(name: str, dtype: type[np.generic]) -> npt.NDArray[Any]:
        c = tb.column(name)
        if c.null_count:
            c = c.fill_null(np.nan if np.dtype(dtype).kind == "f" else -1)
        return np.asarray(c.to_numpy(), dtype=dtype)

    return {
        "mmsi": col("mmsi", np.int64),
        "t": col("t_us", np.int64) / 1e6,
        "lat": col("lat", np.float64),
        "lon": col("lon", np.float64),
        "sog": col("sog", np.float32),
        "cog": col("cog", np.float32),
        "msg_type": col("msg_type", np.int16),
        "station": col("station_code", np.int32),
    }


def tracks_from_columns(cols: Columns, station_names: list[str], config: DetectConfig, now: float) -> Tracks:
    """:class:`Tracks` from :func:`position_columns` (rows sorted by mmsi, time, payload
    hash); the dict is emptied as the arrays are handed over. Both engines build their
    tracks here, so they see the same numbers."""
    return prepare_tracks(
        cols.pop("mmsi"),
        cols.pop("t"),
        cols.pop("lat"),
        cols.pop("lon"),
        cols.pop("sog"),
        cols.pop("cog"),
        cols.pop("msg_type"),
        config.tracks,
        now=now,
        station=cols.pop("station"),
        station_names=station_names,
    )
