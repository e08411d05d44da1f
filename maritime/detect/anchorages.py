"""Anchorages learned from the data: places where many distinct vessels sit stationary.

The reference idea is Global Fishing Watch's anchorages pipeline (GlobalFishingWatch/
anchorages_pipeline; Kroodsma et al. 2018, *Tracking the global footprint of fisheries*,
Science 359:904, supplementary materials): the globe is cut into ~0.5 km cells (S2 level 14),
each vessel's stationary periods are found, and a cell where enough distinct vessels stayed is
an anchorage point; points within a few kilometres make one anchorage. GFW asks for 20 vessels
staying 12 h over years of data; a watch floor has days, so the defaults here (``[anchorages]``
in defaults.toml, :class:`~maritime.detect.config.AnchorageConfig`) count vessels over a
cell's 3 km neighbourhood (GFW's anchorage entry distance) and ask for 5 vessels stationary
2 h each, over at least 12 h:

1. **Stationary time per cell and vessel** (:class:`Visits`): reports with SOG below
   ``max_sog_kn`` (0.5 kn) in cells of ``cell_km`` (0.5 km, :func:`cell_index`); the time
   from one stationary report to the next of the same vessel in the same cell counts when it
   is at most ``max_gap_hours``. The DuckDB adapter keeps these sums in ``anchorage_visits``
   and adds only what new positions bring (``detect/sql/anchorage_visits.sql``).
2. **Core cells** (:func:`learn_anchorages`): a vessel counts for a cell when it was
   stationary there ≥ ``min_vessel_hours``; a cell is a core when ≥ ``min_vessels`` distinct
   vessels counted for the cells within ``merge_km`` of it and their stationary reports there
   span ≥ ``min_span_hours``.
3. **Anchorages**: core cells within ``merge_km`` of each other are one anchorage (single
   linkage), and counted cells within ``merge_km`` of a core join it. Each anchorage keeps its
   evidence: centroid (weighted by stationary hours), radius, cells, distinct vessels, hours,
   first and last stationary report.

The detectors treat every cell centre of a learned anchorage as a port (see
:mod:`maritime.detect.shore`). Pure: arrays in, records out. Units: degrees, km, knots, UTC
seconds.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from maritime.detect.config import AnchorageConfig
from maritime.geodesy import EARTH_RADIUS_KM

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

#: cos(latitude) never goes below this in the cell grid (cells stay finite near the poles).
MIN_COS = 0.01


def cell_deg(cell_km: float) -> float:
    """Height (degrees of latitude) of a cell of ``cell_km`` km."""
    return cell_km / (EARTH_RADIUS_KM * math.pi / 180.0)


def cell_index(lat: npt.ArrayLike, lon: npt.ArrayLike, cell_km: float) -> tuple[Ints, Ints]:
    """Cell ``(ci, cj)`` of each position: rows of ``cell_km`` in latitude, and within each row
    columns of ``cell_km`` along the row's central parallel (so cells are about square
    everywhere). ``detect/sql/anchorage_visits.sql`` computes the same indexes in SQL."""
    d = cell_deg(cell_km)
    la = np.asarray(lat, dtype=np.float64)
    lo = np.asarray(lon, dtype=np.float64)
    ci = np.floor(la / d)
    c = np.maximum(np.cos(np.radians((ci + 0.5) * d)), MIN_COS)
    cj = np.floor(lo * c / d)
    return ci.astype(np.int64), cj.astype(np.int64)


def cell_centre(ci: npt.ArrayLike, cj: npt.ArrayLike, cell_km: float) -> tuple[Floats, Floats]:
    """Centre (lat, lon degrees) of cells ``(ci, cj)`` of :func:`cell_index`."""
    d = cell_deg(cell_km)
    lat = (np.asarray(ci, dtype=np.float64) + 0.5) * d
    c = np.maximum(np.cos(np.radians(lat)), MIN_COS)
    lon = (np.asarray(cj, dtype=np.float64) + 0.5) * d / c
    return lat, lon


@dataclass(frozen=True)
class Visits:
    """Stationary time of each vessel in each cell (one row per cell and MMSI)."""

    ci: Ints
    cj: Ints
    mmsi: Ints
    seconds: Floats  #: stationary seconds
    first: Floats  #: first stationary report (UTC s)
    last: Floats  #: last stationary report (UTC s)

    @staticmethod
    def of(rows: dict[str, Any]) -> Visits:
        """From columns ``ci, cj, mmsi, seconds, first, last`` (any array-likes)."""
        return Visits(
            ci=np.asarray(rows["ci"], dtype=np.int64),
            cj=np.asarray(rows["cj"], dtype=np.int64),
            mmsi=np.asarray(rows["mmsi"], dtype=np.int64),
            seconds=np.asarray(rows["seconds"], dtype=np.float64),
            first=np.asarray(rows["first"], dtype=np.float64),
            last=np.asarray(rows["last"], dtype=np.float64),
        )


@dataclass(frozen=True)
class Anchorage:
    """One learned anchorage and its evidence."""

    anchorage_id: str  #: ``anc-<ci>-<cj>`` of its core cell with the most stationary hours
    lat: float  #: centroid (degrees), weighted by stationary hours
    lon: float
    radius_km: float  #: centroid to the farthest cell centre, plus half a cell diagonal
    cells: int  #: cells in it
    vessels: int  #: distinct vessels stationary >= min_vessel_hours in one of its cells
    hours: float  #: their stationary hours
    first_seen: float  #: first stationary report (UTC s)
    last_seen: float  #: last stationary report (UTC s)


@dataclass(frozen=True)
class Learned:
    """Learned anchorages and their cells (the points the detectors treat as ports)."""

    anchorages: list[Anchorage] = field(default_factory=list)
    cell_ci: Ints = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    cell_cj: Ints = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    cell_lat: Floats = field(default_factory=lambda: np.zeros(0))
    cell_lon: Floats = field(default_factory=lambda: np.zeros(0))
    cell_anchorage: list[str] = field(default_factory=list)  #: anchorage_id of each cell

    def points(self) -> Floats:
        """(n, 2) array of the cell centres (lat, lon degrees), sorted."""
        return points_array(self.cell_lat, self.cell_lon)


def points_array(lat: npt.ArrayLike, lon: npt.ArrayLike) -> Floats:
    """(n, 2) float64 array of (lat, lon) rows in a canonical order (by lat, then lon)."""
    la = np.asarray(lat, dtype=np.float64)
    lo = np.asarray(lon, dtype=np.float64)
    order = np.lexsort((lo, la))
    return np.ascontiguousarray(np.column_stack([la[order], lo[order]]).reshape(-1, 2))


def points_fingerprint(points: Floats) -> str:
    """A short hash of anchorage points (rounded to 1e-6 degrees); '' when there are none."""
    if len(points) == 0:
        return ""
    return hashlib.sha1(np.round(points, 6).tobytes()).hexdigest()[:16]


def _unit_km(lat: Floats, lon: Floats) -> Floats:
    la, lo = np.radians(lat), np.radians(lon)
    return EARTH_RADIUS_KM * np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def _pairs_within(xyz: Floats, r_km: float) -> tuple[Ints, Ints]:
    """Every ordered pair (i, j), i == j included, of points within ``r_km`` (chord)."""
    n = len(xyz)
    pairs = cKDTree(xyz).query_pairs(r_km, output_type="ndarray").astype(np.int64)
    i = np.concatenate([np.arange(n), pairs[:, 0], pairs[:, 1]])
    j = np.concatenate([np.arange(n), pairs[:, 1], pairs[:, 0]])
    return i, j


def learn_anchorages(visits: Visits, cfg: AnchorageConfig) -> Learned:
    """The anchorages of ``visits`` (see the module docstring for the rule)."""
    keep = visits.seconds >= cfg.min_vessel_hours * 3600.0
    if not keep.any():
        return Learned()
    ci, cj, mmsi = visits.ci[keep], visits.cj[keep], visits.mmsi[keep]
    sec, first, last = visits.seconds[keep], visits.first[keep], visits.last[keep]
    # cells with at least one counted vessel
    cells, cell_of = np.unique(np.column_stack([ci, cj]), axis=0, return_inverse=True)
    cell_of = cell_of.ravel()
    nc = len(cells)
    lat, lon = cell_centre(cells[:, 0], cells[:, 1], cfg.cell_km)
    xyz = _unit_km(lat, lon)
    ii, jj = _pairs_within(xyz, cfg.merge_km)
    # distinct vessels over each cell's neighbourhood: (cells x cells) @ (cells x vessels)
    vessels, vessel_of = np.unique(mmsi, return_inverse=True)
    near = coo_matrix((np.ones(len(ii)), (ii, jj)), shape=(nc, nc)).tocsr()
    has = coo_matrix((np.ones(len(cell_of)), (cell_of, vessel_of.ravel())), shape=(nc, len(vessels))).tocsr()
    n_vessels = np.diff((near @ has).tocsr().indptr)
    # span of the neighbourhood's stationary reports
    c_first = np.full(nc, np.inf)
    c_last = np.full(nc, -np.inf)
    np.minimum.at(c_first, cell_of, first)
    np.maximum.at(c_last, cell_of, last)
    n_first = np.full(nc, np.inf)
    n_last = np.full(nc, -np.inf)
    np.minimum.at(n_first, ii, c_first[jj])
    np.maximum.at(n_last, ii, c_last[jj])
    core = (n_vessels >= cfg.min_vessels) & (n_last - n_first >= cfg.min_span_hours * 3600.0)
    if not core.any():
        return Learned()
    # single linkage: edges that touch a core cell; components without a core are dropped
    touch = core[ii] | core[jj]
    graph = coo_matrix((np.ones(int(touch.sum())), (ii[touch], jj[touch])), shape=(nc, nc))
    _, comp = connected_components(graph, directed=False)
    comp_core = np.zeros(comp.max() + 1, dtype=bool)
    comp_core[comp[core]] = True
    member = comp_core[comp]
    return _summarise(cells, lat, lon, xyz, comp, member, core, cell_of, mmsi, sec, first, last, cfg)


def _summarise(
    cells: Ints,
    lat: Floats,
    lon: Floats,
    xyz: Floats,
    comp: Ints,
    member: npt.NDArray[np.bool_],
    core: npt.NDArray[np.bool_],
    cell_of: Ints,
    mmsi: Ints,
    sec: Floats,
    first: Floats,
    last: Floats,
    cfg: AnchorageConfig,
) -> Learned:
    """The :class:`Anchorage` record of each component with a core cell."""
    cell_hours = np.bincount(cell_of, weights=sec, minlength=len(cells)) / 3600.0
    half_diag = cfg.cell_km * math.sqrt(0.5)
    out: list[Anchorage] = []
    id_of_comp: dict[int, str] = {}
    for c in np.unique(comp[member]):
        idx = np.nonzero(comp == c)[0]
        rows = np.isin(cell_of, idx)
        w = cell_hours[idx]
        v = (xyz[idx] * w[:, None]).sum(axis=0)
        v /= np.linalg.norm(v)
        clat = float(np.degrees(np.arcsin(np.clip(v[2], -1.0, 1.0))))
        clon = float(np.degrees(np.arctan2(v[1], v[0])))
        chord = np.linalg.norm(xyz[idx] / EARTH_RADIUS_KM - v, axis=1)
        radius = float(2.0 * EARTH_RADIUS_KM * np.arcsin(np.minimum(chord.max() / 2.0, 1.0))) + half_diag
        cores = idx[core[idx]]
        top = cores[np.lexsort((cells[cores, 1], cells[cores, 0], -cell_hours[cores]))[0]]
        aid = f"anc-{cells[top, 0]}-{cells[top, 1]}"
        id_of_comp[int(c)] = aid
        out.append(
            Anchorage(
                anchorage_id=aid,
                lat=round(clat, 6),
                lon=round(clon, 6),
                radius_km=round(radius, 3),
                cells=len(idx),
                vessels=len(np.unique(mmsi[rows])),
                hours=round(float(sec[rows].sum()) / 3600.0, 3),
                first_seen=float(first[rows].min()),
                last_seen=float(last[rows].max()),
            )
        )
    m = np.nonzero(member)[0]
    out.sort(key=lambda a: a.anchorage_id)
    return Learned(
        anchorages=out,
        cell_ci=cells[m, 0],
        cell_cj=cells[m, 1],
        cell_lat=lat[m],
        cell_lon=lon[m],
        cell_anchorage=[id_of_comp[int(comp[k])] for k in m],
    )


def point_changes(before: Floats, after: Floats) -> tuple[Floats, Floats]:
    """(added, removed) anchorage points between two :meth:`Learned.points` arrays."""
    a = {tuple(p) for p in np.round(before, 6).tolist()}
    b = {tuple(p) for p in np.round(after, 6).tolist()}
    added = np.array(sorted(b - a), dtype=np.float64).reshape(-1, 2)
    removed = np.array(sorted(a - b), dtype=np.float64).reshape(-1, 2)
    return added, removed


@dataclass(frozen=True)
class StoredEvents:
    """What :func:`affected_since` needs of the stored events (one value per event)."""

    kind: list[str]
    start: Floats  #: UTC s
    end: Floats  #: UTC s, NaN while open
    lat: Floats
    lon: Floats
    port_km: Floats  #: ``details.distance_to_port_km``, NaN when absent
    next_lat: Floats  #: dark periods: where the vessel reappeared (NaN otherwise)
    next_lon: Floats


def affected_since(
    ev: StoredEvents, added: Floats, now: float, min_port_km: float, max_speed_kn: float
) -> float | None:
    """Earliest start (UTC s) of the stored events that new anchorage points can change, None
    when there is none.

    A new point changes an event when it is nearer than the port the event recorded
    (``distance_to_port_km``: the evidence changes) or within ``min_port_km`` (the event may
    be suppressed): loitering is judged at its median position (the event's), a dark period
    at its last and its reappearance positions, a rendezvous anywhere within the distance its
    vessels could drift while slower than ``max_speed_kn`` (knots) over its duration.
    Identity conflicts do not depend on ports.
    """
    from maritime.reference.portgrid import nearest_port, port_grid

    if len(added) == 0 or len(ev.kind) == 0:
        return None
    grid = port_grid(np.ascontiguousarray(added, dtype=np.float64).tobytes())
    d, _ = nearest_port(grid, ev.lat, ev.lon)
    kind = np.array(ev.kind)
    end = np.where(np.isnan(ev.end), now, ev.end)
    drift = np.where(kind == "rendezvous", (end - ev.start) / 3600.0 * max_speed_kn * 1.852, 0.0)
    reach = np.fmax(np.where(np.isnan(ev.port_km), np.inf, ev.port_km), min_port_km)
    hit = (d - drift < reach) & (kind != "identity_conflict")
    has_next = np.isfinite(ev.next_lat) & np.isfinite(ev.next_lon)
    if has_next.any():
        dn, _ = nearest_port(grid, np.where(has_next, ev.next_lat, 0.0), np.where(has_next, ev.next_lon, 0.0))
        hit |= has_next & (dn < min_port_km)
    return float(ev.start[hit].min()) if hit.any() else None
