"""Reference geography of the scenario: receivers, aids to navigation, sea lanes and trades.

Part of the scenario generator (a developer tool). The tables are bundled data files under
``maritime/scenario/data/`` (CSV and JSON, each with a comment line saying what it holds), read
with :mod:`importlib.resources`. Positions are WGS84 decimal degrees, distances metres.
Ports are referred to as ``"name|country"`` keys of ``maritime/reference/data/ports.csv``.

The metre-based helpers below wrap :mod:`maritime.geodesy` (which works in kilometres).
"""

from __future__ import annotations

import csv
import heapq
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from maritime.geodesy import destination, haversine_km

#: A latitude/longitude pair, degrees.
LatLon = tuple[float, float]


def distance_m(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Great-circle (haversine) distance in metres between points in degrees; broadcasts."""
    return np.asarray(haversine_km(lat1, lon1, lat2, lon2) * 1000.0, dtype=np.float64)


def distance1_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """:func:`distance_m` of two single points, as a float."""
    return float(distance_m(lat1, lon1, lat2, lon2))


def offset(lat: float, lon: float, bearing: float, dist: float) -> LatLon:
    """Point at ``dist`` metres from (``lat``, ``lon``) along ``bearing`` (degrees true)."""
    la, lo = destination(lat, lon, bearing, dist / 1000.0)
    return float(la), float(lo)


# ----------------------------------------------------------------------------------------------
# bundled tables


def _data_text(name: str) -> str:
    return resources.files("maritime.scenario").joinpath("data", name).read_text(encoding="utf-8")


def _csv_rows(name: str) -> Iterator[dict[str, str]]:
    """Rows of a bundled CSV whose first line is a ``#`` comment."""
    lines = [ln for ln in _data_text(name).splitlines() if not ln.startswith("#")]
    yield from csv.DictReader(lines)


def data_json(name: str) -> dict[str, Any]:
    """A bundled JSON table (its ``_comment`` key says what it holds)."""
    data: dict[str, Any] = json.loads(_data_text(name))
    return data


@dataclass(frozen=True)
class Station:
    """A receiver that appears as ``s:`` in the tag blocks.

    Attributes:
        name: tag-block source name, e.g. ``rEC-Manta``.
        lat, lon: location (degrees); satellites have NaN.
        talker: NMEA talker of its sentences (``AI``, ``BS`` or ``AB``).
        mmsi: MMSI of the co-located AIS base station (type 4 reports), 0 for satellites.
        satellite: True for a satellite receiver.
        gps_nmea: the receiver also outputs its own $GPRMC/$GPGGA sentences.
    """

    name: str
    lat: float
    lon: float
    talker: str
    mmsi: int
    satellite: bool = False
    gps_nmea: bool = False


def load_stations(table: str = "stations.csv") -> list[Station]:
    """The shore receivers of ``data/<table>``, then the two satellites ``rSAT-1``, ``rSAT-2``."""
    out = [
        Station(r["name"], float(r["lat"]), float(r["lon"]), r["talker"], int(r["mmsi"]), False, r["gps_nmea"] == "1")
        for r in _csv_rows(table)
    ]
    out += [Station("rSAT-1", math.nan, math.nan, "AI", 0, True), Station("rSAT-2", math.nan, math.nan, "AI", 0, True)]
    return out


@dataclass(frozen=True)
class AtoN:
    """An aid to navigation that broadcasts type 21 reports.

    Attributes: ``mmsi`` (99 + MID + 4 digits), ``name`` (≤ 20 characters), ``aid_type``
    (ITU-R M.1371 table 74), ``lat``/``lon`` (degrees), ``virtual`` (a virtual AtoN).
    """

    mmsi: int
    name: str
    aid_type: int
    lat: float
    lon: float
    virtual: bool = False


@cache
def load_atons() -> tuple[AtoN, ...]:
    """The aids to navigation of ``data/atons.csv``."""
    return tuple(
        AtoN(int(r["mmsi"]), r["name"], int(r["aid_type"]), float(r["lat"]), float(r["lon"]), r["virtual"] == "1")
        for r in _csv_rows("atons.csv")
    )


@cache
def sea_nodes() -> dict[str, LatLon]:
    """Named waypoints at sea (``data/sea_nodes.csv``)."""
    return {r["node"]: (float(r["lat"]), float(r["lon"])) for r in _csv_rows("sea_nodes.csv")}


@cache
def lanes() -> tuple[tuple[str, ...], ...]:
    """Sea lanes: polylines of sea nodes and port keys (``data/lanes.json``)."""
    return tuple(tuple(lane) for lane in data_json("lanes.json")["lanes"])


@cache
def trades() -> tuple[tuple[str, str, float], ...]:
    """Merchant trades ``(port A, port B, weight)``; ships sail either way (``data/trades.csv``)."""
    return tuple((r["port_a"], r["port_b"], float(r["weight"])) for r in _csv_rows("trades.csv"))


@cache
def locodes() -> dict[str, str]:
    """UN/LOCODE-style type 5 destinations by port key (``data/locodes.csv``)."""
    return {r["port"]: r["locode"] for r in _csv_rows("locodes.csv")}


# ----------------------------------------------------------------------------------------------
# lane routing


class Lanes:
    """Ports and sea nodes joined by the sea lanes; shortest routes between ports."""

    def __init__(
        self,
        ports: pd.DataFrame,
        lane_table: tuple[tuple[str, ...], ...] | None = None,
        nodes: dict[str, LatLon] | None = None,
    ) -> None:
        lat, lon = ports["lat"].to_numpy(np.float64), ports["lon"].to_numpy(np.float64)
        self.port_xy = {
            f"{n}|{c}": (float(la), float(lo)) for n, c, la, lo in zip(ports["name"], ports["country"], lat, lon)
        }
        self.nodes = sea_nodes() if nodes is None else nodes
        self.graph: dict[str, list[tuple[str, float]]] = {}
        for lane in lanes() if lane_table is None else lane_table:
            for a, b in zip(lane, lane[1:]):
                d = distance1_m(*self.node(a), *self.node(b))
                self.graph.setdefault(a, []).append((b, d))
                self.graph.setdefault(b, []).append((a, d))

    def port(self, key: str) -> LatLon:
        """Position of port ``"name|country"``."""
        try:
            return self.port_xy[key]
        except KeyError:
            raise ValueError(f"port {key!r} is not in the ports table") from None

    def node(self, key: str) -> LatLon:
        """Position of a port key or a sea node."""
        return self.port_xy[key] if "|" in key else self.nodes[key]

    def route(self, a: str, b: str) -> list[LatLon]:
        """Waypoints of the shortest lane route from port ``a`` to port ``b`` (Dijkstra)."""
        dist = {a: 0.0}
        prev: dict[str, str] = {}
        heap = [(0.0, a)]
        while heap:
            d, u = heapq.heappop(heap)
            if u == b:
                break
            if d > dist.get(u, math.inf):
                continue
            for v, w in self.graph.get(u, []):
                nd = d + w
                if nd < dist.get(v, math.inf):
                    dist[v] = nd
                    prev[v] = u
                    heapq.heappush(heap, (nd, v))
        if b not in dist:
            raise ValueError(f"no lane route from {a} to {b}")
        path = [b]
        while path[-1] != a:
            path.append(prev[path[-1]])
        return [self.node(k) for k in reversed(path)]
