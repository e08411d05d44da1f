"""Live detection that follows new data, the pure part: what one cycle of ``maritime serve``
recomputes after new reports arrive, so that its cost follows what changed, not the window.

:class:`LiveState` keeps, between cycles, the reports of the detection window (sorted by
vessel, time, payload hash, as ``sql/read_positions.sql`` reads them), their
:class:`~maritime.detect.tracks.Tracks`, the slow grid of the rendezvous detector and the events
of every stage (:mod:`maritime.detect.compose`). :meth:`LiveState.update` takes the reports
stored since the last cycle and:

1. merges them into the window; the *touched* vessels are those with new reports;
2. prepares the tracks of the touched vessels only (track preparation is per MMSI) and splices
   them into the tracks of the others;
3. finds the *dirty time*: the earliest report of a touched vessel whose time, position,
   receiver, implied speed or segment differs from the last cycle's (the first new report, or
   earlier when a re-segmentation or a speed window reaches back);
4. re-runs, through the one composition of the detectors (:mod:`maritime.detect.compose`):
   loitering and identity conflicts of the touched vessels and of those with an open loitering
   episode (it may close as data time advances); dark periods of every vessel, but only the
   silences still open or ending at or after the dirty time less ``together_minutes`` and two
   reception bins (older ones depend only on reports that have not changed, see
   :mod:`maritime.detect.dark`); rendezvous of the pairs with a touched vessel or an open
   meeting, in the grid bins where those vessels have points;
5. keeps every other event of the last cycle as it was, and combines them as a full run does.

The events equal those of one full run over the same window (tests/detect/test_increment.py).
Data time only: ``now`` is the latest report time (UTC seconds), never the wall clock.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from maritime.detect.compose import VesselEvents, combine, grid_rendezvous, vessel_events
from maritime.detect.config import DarkConfig, DetectConfig
from maritime.detect.dark import Evidence, Silence
from maritime.detect.dark import _evidence as silence_evidence
from maritime.detect.events import Event
from maritime.detect.fishing import ShipTypes
from maritime.detect.inputs import Columns, tracks_from_columns
from maritime.detect.loitering import run_key
from maritime.detect.position_anomaly import shared_inputs
from maritime.detect.reception import Reception, bin_range, reception_model, rekeyed, updated_reception
from maritime.detect.rendezvous import slow_grid
from maritime.detect.splicing import join_pieces, pieces, row_ranges
from maritime.detect.tracks import Tracks, empty_tracks

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
#: The report columns of the window: those of :func:`maritime.detect.inputs.position_columns`
#: and ``hash`` (the payload hash, the last sort key).
COLUMNS = ("mmsi", "t", "lat", "lon", "sog", "cog", "msg_type", "station", "hash")
#: The per-report arrays of :class:`Tracks` that a splice carries over.
_TRACK_FIELDS = ("mmsi", "t", "lat", "lon", "sog", "cog", "cls_b", "station", "speed", "speed_dt")


@dataclass
class CycleStats:
    """What one cycle recomputed."""

    new_reports: int = 0  #: reports added to the window
    vessels: int = 0  #: touched vessels (with new reports)
    affected: int = 0  #: vessels whose loitering, conflicts and rendezvous were recomputed
    dirty_since: float | None = None  #: silences ending before this were kept (UTC s)


def sort_columns(cols: Columns) -> Columns:
    """``cols`` ordered by vessel, time, payload hash (the order of ``read_positions.sql``)."""
    order = np.lexsort((cols["hash"], cols["t"], cols["mmsi"]))
    return {k: v[order] for k, v in cols.items()}


def block_rows(sorted_mmsi: Ints, vessels: Ints) -> Ints:
    """Row indexes of ``vessels``' reports in an array sorted by MMSI (in that order)."""
    return row_ranges(
        np.searchsorted(sorted_mmsi, vessels, side="left"), np.searchsorted(sorted_mmsi, vessels, "right")
    )


def take_tracks(tr: Tracks, rows: Ints, now: float) -> Tracks:
    """The tracks of whole vessels ``rows`` (sorted row indexes of ``tr``), segments renumbered."""
    if len(rows) == 0:
        return empty_tracks(now)
    return _assemble({k: getattr(tr, k)[rows] for k in _TRACK_FIELDS}, tr.seg[rows], tr, now, tr.conflicts)


def _assemble(
    fields: dict[str, npt.NDArray[Any]], label: Ints, like: Tracks, now: float, conflicts: list[Event]
) -> Tracks:
    """:class:`Tracks` from per-report arrays sorted by segment and their segment labels."""
    n = len(label)
    change = np.ones(n, dtype=bool)
    change[1:] = label[1:] != label[:-1]
    seg = np.cumsum(change) - 1
    starts = np.flatnonzero(change).astype(np.int64)
    ends = np.append(starts[1:], n).astype(np.int64)
    seg_mmsi = fields["mmsi"][starts]
    kept_c = _present([c.mmsi for c in conflicts], seg_mmsi)
    kept_s = _present(like.shared_mmsis, seg_mmsi)
    return Tracks(
        mmsi=fields["mmsi"],
        t=fields["t"],
        lat=fields["lat"],
        lon=fields["lon"],
        sog=fields["sog"],
        cog=fields["cog"],
        cls_b=fields["cls_b"],
        station=fields["station"],
        station_names=like.station_names,
        seg=seg.astype(np.int64),
        seg_start=starts,
        seg_end=ends,
        seg_mmsi=seg_mmsi,
        speed=fields["speed"],
        speed_dt=fields["speed_dt"],
        now=now,
        conflicts=[c for c, k in zip(conflicts, kept_c) if k],
        shared_mmsis=[m for m, k in zip(like.shared_mmsis, kept_s) if k],
        anchorages=like.anchorages,
    )


def _present(mmsis: list[int], seg_mmsi: Ints) -> list[bool]:
    """Whether each of ``mmsis`` has a segment (``seg_mmsi``: the MMSI of each segment); a
    per-segment test, not one over every report."""
    if not mmsis:
        return []
    out: list[bool] = np.isin(np.array(mmsis, dtype=np.int64), seg_mmsi).tolist()
    return out


def splice(old: Tracks, new: Tracks, vessels: Ints, now: float) -> Tracks:
    """``old`` with the vessels ``vessels`` replaced by the tracks ``new`` (which holds those
    vessels only, prepared from all their reports)."""
    a = np.searchsorted(old.mmsi, vessels, side="left")
    b = np.searchsorted(old.mmsi, vessels, side="right")
    runs = pieces(a, b, new.mmsi, vessels, len(old))
    fields = {k: join_pieces(runs, getattr(old, k), getattr(new, k)) for k in _TRACK_FIELDS}
    label = join_pieces(runs, old.seg, new.seg + old.n_segments)
    touched = set(vessels.tolist())
    conflicts = [c for c in old.conflicts if c.mmsi not in touched] + list(new.conflicts)
    out = _assemble(fields, label, old, now, conflicts)
    out.shared_mmsis = sorted({m for m in old.shared_mmsis if m not in touched} | set(new.shared_mmsis))
    return out


def first_differences(old: Tracks, new: Tracks, vessels: Ints) -> npt.NDArray[np.float64]:
    """For each of ``vessels``, the earliest report time (UTC s) at which ``new`` differs from
    ``old`` (time, position, receiver, implied speed, or the segment it belongs to, known by the
    segment's first report time); +inf when nothing differs. Reports are compared in time order
    (the segments of a shared MMSI interleave in time)."""
    oi, o_vid = _time_order(old, vessels)
    ni, n_vid = _time_order(new, vessels)
    olen = np.bincount(o_vid, minlength=len(vessels))
    nlen = np.bincount(n_vid, minlength=len(vessels))
    common = np.minimum(olen, nlen)
    first = common.copy()  # first differing position in each vessel's reports
    total = int(common.sum())
    o_at = np.cumsum(olen) - olen  # where each vessel starts in oi / ni
    n_at = np.cumsum(nlen) - nlen
    if total:
        vid = np.repeat(np.arange(len(vessels)), common)
        local = np.arange(total) - np.repeat(np.cumsum(common) - common, common)
        a_rows, b_rows = oi[o_at[vid] + local], ni[n_at[vid] + local]
        differ = np.zeros(total, dtype=bool)
        for k in ("t", "lat", "lon", "station", "speed", "speed_dt"):
            a, b = getattr(old, k)[a_rows], getattr(new, k)[b_rows]
            same = a == b
            if a.dtype.kind == "f":
                same |= np.isnan(a) & np.isnan(b)
            differ |= ~same
        differ |= old.t[old.seg_start[old.seg[a_rows]]] != new.t[new.seg_start[new.seg[b_rows]]]
        np.minimum.at(first, vid[differ], local[differ])
    t_old = np.full(len(vessels), np.inf)
    t_new = np.full(len(vessels), np.inf)
    m = first < olen
    t_old[m] = old.t[oi[o_at[m] + first[m]]]
    m = first < nlen
    t_new[m] = new.t[ni[n_at[m] + first[m]]]
    out: npt.NDArray[np.float64] = np.minimum(t_old, t_new)
    return out


def _time_order(tr: Tracks, vessels: Ints) -> tuple[Ints, Ints]:
    """Row indexes of ``vessels``' reports in ``tr``, each vessel's in time order, and the
    index (into ``vessels``) of each row's vessel."""
    a = np.searchsorted(tr.mmsi, vessels, side="left")
    b = np.searchsorted(tr.mmsi, vessels, side="right")
    n = b - a
    at = np.cumsum(n) - n
    rows = row_ranges(a, b)
    vid = np.repeat(np.arange(len(vessels)), n)
    # the segments of a shared MMSI follow one another: its reports by time
    for i in np.flatnonzero(np.isin(vessels, np.array(tr.shared_mmsis, dtype=np.int64))).tolist():
        blk = rows[at[i] : at[i] + n[i]]
        rows[at[i] : at[i] + n[i]] = blk[np.lexsort((tr.lon[blk], tr.lat[blk], tr.t[blk]))]
    return rows.astype(np.int64), vid


def _tail_rows(tr: Tracks, vessels: Ints, cut: Floats, bin_s: float) -> tuple[Ints, Floats]:
    """Row indexes (sorted) of the reports of ``vessels`` in ``tr`` in reception bins
    (``floor(t / bin_s)``) at or after each vessel's ``cut`` (a bin), and that cut for each."""
    a = np.searchsorted(tr.mmsi, vessels, side="left")
    b = np.searchsorted(tr.mmsi, vessels, side="right")
    rows = row_ranges(a, b)
    row_cut = np.repeat(cut, b - a)
    keep = np.floor(tr.t[rows] / bin_s) >= row_cut
    return rows[keep], row_cut[keep]


def _segment_classes(tr: Tracks, segs: Ints) -> npt.NDArray[np.bool_]:
    """Whether each segment ``segs`` (sorted) of ``tr`` is mostly Class B, as
    :func:`maritime.detect.reception.segment_class_b` counts it for every segment."""
    if len(segs) == 0:
        return np.zeros(0, dtype=bool)
    size = tr.seg_end[segs] - tr.seg_start[segs]
    n_b = np.add.reduceat(
        tr.cls_b[row_ranges(tr.seg_start[segs], tr.seg_end[segs])].astype(np.int64), np.cumsum(size) - size
    )
    out: npt.NDArray[np.bool_] = n_b * 2 > size
    return out


def _tail(tr: Tracks, rows: Ints, now: float) -> Tracks:
    """The reports ``rows`` (sorted) of ``tr`` as tracks whose segments keep the Class B status
    of their whole segment in ``tr`` (the reception model counts Class B transmitters by
    segment, :func:`~maritime.detect.reception.segment_class_b`)."""
    out = take_tracks(tr, rows, now)
    if len(rows):
        segs = np.unique(tr.seg[rows])
        out.cls_b = _segment_classes(tr, segs)[np.searchsorted(segs, tr.seg[rows])]
    return out


def _class_flips(old: Tracks, new: Tracks, new_tail: tuple[Ints, Floats], vessels: Ints, bin_s: float) -> Ints:
    """MMSIs with a segment in ``new`` that has reports before the vessel's cut
    (:func:`_tail_rows`) and after it, and is mostly Class B in ``old`` and not in ``new`` or
    the reverse (the same segment: same MMSI and first report time; its reports before the
    cut are the same, and may have none after it in ``old``)."""
    rows, row_cut = new_tail
    seg = new.seg[rows]  # sorted: tracks are sorted by segment
    segs = np.unique(seg)
    first = new.t[new.seg_start[segs]]
    across = np.floor(first / bin_s) < row_cut[np.searchsorted(seg, segs)]
    segs, first = segs[across], first[across]
    if len(segs) == 0:
        return np.zeros(0, dtype=np.int64)
    n_cls = dict(zip(zip(new.seg_mmsi[segs].tolist(), first.tolist()), _segment_classes(new, segs).tolist()))
    o_segs = block_rows(old.seg_mmsi, vessels)  # seg_mmsi is sorted like the reports
    o_keys = list(zip(old.seg_mmsi[o_segs].tolist(), old.t[old.seg_start[o_segs]].tolist()))
    match = np.array([k in n_cls for k in o_keys], dtype=bool)
    o_segs = o_segs[match]
    o_cls = _segment_classes(old, o_segs).tolist()
    keys = [k for k, m in zip(o_keys, match.tolist()) if m]
    return np.array(sorted({k[0] for k, c in zip(keys, o_cls) if n_cls[k] != c}), dtype=np.int64)


class EvidenceMemo:
    """The evidence of open silences (:mod:`maritime.detect.dark`) kept across live cycles.

    An open silence whose evidence window (``evidence_hours``) is complete depends only on data
    up to its *horizon* (the end of that window, or ``min_gap_hours + together_minutes`` after
    the last report for the silences that started with it, plus two bins) and on the silences
    ending around "now", which are counted again at each use. :meth:`settle` drops what the
    new data of a cycle can have changed. Keys: (MMSI, segment start, history start, last
    report time).
    """

    def __init__(self) -> None:
        self.entries: dict[tuple[int, float, float, float], tuple[float, Evidence]] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def settle(self, settled: float) -> None:
        """Drop the evidence whose horizon is at or after ``settled`` (UTC s: the earliest
        report that changed since the last cycle, less the ``together_minutes`` margin)."""
        for key in [k for k, (horizon, _) in self.entries.items() if horizon >= settled]:
            del self.entries[key]

    def __call__(
        self, tr: Tracks, c: Silence, rec: Reception, cfg: DarkConfig, cls_b: bool, sat: npt.NDArray[np.bool_]
    ) -> Evidence | None:
        """The evidence of silence ``c`` (an :data:`maritime.detect.dark.EvidenceFn`)."""
        bin_s = cfg.bin_minutes * 60.0
        E = cfg.evidence_hours * 3600.0
        if c.t_next is not None or c.gap < E + bin_s:
            return silence_evidence(tr, c, rec, cfg, cls_b, sat)
        key = (int(tr.seg_mmsi[c.s]), float(tr.t[tr.seg_start[c.s]]), float(tr.t[c.a]), c.t_last)
        if key in self.entries:
            ev = self.entries[key][1]
        else:
            fresh = silence_evidence(tr, c, rec, cfg, cls_b, sat)
            if fresh is None:
                return None
            ev = fresh
            started_by = cfg.min_gap_hours * 3600.0 + cfg.together_minutes * 60.0
            self.entries[key] = (c.t_last + max(E, started_by) + 2.0 * bin_s, ev)
        win = int(math.ceil(cfg.together_minutes / cfg.bin_minutes))
        b_now = int(math.floor(tr.now / bin_s))
        ended = rec.silences_around(True, float(tr.lat[c.k]), float(tr.lon[c.k]), b_now, win)
        return replace(ev, others_reappeared=ended - 1)


class LiveState:
    """The detection window kept between live cycles, and the events of each stage.

    Args:
        cols: the window's reports (:data:`COLUMNS`), any order.
        station_names: the receiver name of each station code.
        config: thresholds.
        now: latest data time (UTC s).
    """

    def __init__(
        self,
        cols: Columns,
        station_names: list[str],
        config: DetectConfig,
        now: float,
        zones: Sequence[tuple[str, Any]] = (),
        anchorages: npt.NDArray[np.float64] | None = None,
        ship_types: ShipTypes | None = None,
    ) -> None:
        self.config = config
        #: declared ship type per MMSI (fishing candidates; the adapter refreshes it each cycle)
        self.ship_types = ship_types
        self.zones = zones  #: patrol zones ``[(name, polygon), ...]`` (zone entries, speed ranges)
        #: learned anchorage points (lat, lon), counted as ports by the detectors
        self.anchorages = np.zeros((0, 2)) if anchorages is None else anchorages
        self.station_names = list(station_names)
        self.cols = sort_columns(cols)
        self.now = now
        self.start = float(self.cols["t"].min()) if len(self.cols["t"]) else now  #: earliest report (UTC s)
        self.tracks = self._tracks(self.cols, now)
        self.memo = EvidenceMemo()  #: evidence of settled open silences
        #: the reception model of the window (updated per vessel with new reports)
        self.reception = reception_model(self.tracks, config.dark)
        self.stages = vessel_events(
            self.tracks, config, self.reception, zones=zones, ship_types=ship_types, dark_evidence=self.memo
        )
        self.grid = slow_grid(self.tracks, config.rendezvous)
        self.rendezvous = grid_rendezvous(self.grid, config, now)
        self.stats = CycleStats(new_reports=len(self.cols["t"]))

    def _tracks(self, cols: Columns, now: float) -> Tracks:
        tr = tracks_from_columns(dict(cols), self.station_names, self.config, now)
        tr.anchorages = self.anchorages
        return tr

    def events(self, fleet: Sequence[Event] = ()) -> list[Event]:
        """Every event of the window, as :func:`maritime.detect.compose.detect_all` finds them
        (``fleet``: the events of the identity history, :func:`~maritime.detect.compose.identity_events`)."""
        return combine(self.stages, self.rendezvous, self.config, self.now, fleet)

    def update(self, new: Columns, now: float, fleet: Sequence[Event] = ()) -> list[Event]:
        """Add the reports stored since the last cycle (:data:`COLUMNS`) and return every event.

        ``now``: the latest data time (UTC s), at least the last cycle's; ``fleet`` as in
        :meth:`events`.
        """
        cfg = self.config
        prev_now = self.now
        self.now = now = max(now, prev_now)
        new = sort_columns(new)
        vessels = np.unique(new["mmsi"]).astype(np.int64)
        self._merge(new, vessels)
        old_tr = self.tracks
        fresh = self._tracks({k: v[block_rows(self.cols["mmsi"], vessels)] for k, v in self.cols.items()}, now)
        self.tracks = splice(old_tr, fresh, vessels, now)
        changed = first_differences(old_tr, self.tracks, vessels) if len(vessels) else np.zeros(0)
        self._update_reception(old_tr, fresh, vessels, changed, now)
        dirty = min(float(changed.min()) if len(changed) else float("inf"), prev_now)
        since = dirty - (cfg.dark.together_minutes + 2.0 * cfg.dark.bin_minutes) * 60.0
        self.memo.settle(since)
        # per-vessel detectors: the touched vessels and those with an open episode (it may close
        # as data time advances); dark periods: every vessel, silences open or ending since
        open_ = [
            e.mmsi
            for f in fields(VesselEvents)
            if f.name not in ("dark", "shared")
            for e in getattr(self.stages, f.name)
            if e.end is None
        ]
        redo = np.union1d(vessels, np.array(open_, dtype=np.int64)).astype(np.int64)
        sub = take_tracks(self.tracks, block_rows(self.tracks.mmsi, redo), now)
        shared = np.array(self.tracks.shared_mmsis, dtype=np.int64)
        part = vessel_events(
            sub,
            cfg,
            self.reception,
            zones=self.zones,
            ship_types=self.ship_types,
            dark_tracks=self.tracks,
            dark_since=since,
            dark_evidence=self.memo,
            loitering_since=np.where(np.isin(sub.seg_mmsi, shared), -np.inf, since),
        )
        redo_set = set(redo.tolist())
        merged = VesselEvents()
        for f in fields(VesselEvents):
            old: list[Event] = getattr(self.stages, f.name)
            if f.name == "shared":  # reports held at one point: of the whole window
                merged.shared = [shared_inputs(self.tracks, cfg.position_anomaly)]
                continue
            if f.name == "dark":  # settled silences are kept, the others were examined again
                kept = [e for e in old if e.end is not None and e.end < since]
            elif f.name == "loitering":  # runs of the vessels examined that cannot have changed
                kept = [e for e in old if e.mmsi not in redo_set or self._settled_run(e, since, shared)]
            else:
                kept = [e for e in old if e.mmsi not in redo_set]
            setattr(merged, f.name, kept + getattr(part, f.name))
        self.stages = merged
        # rendezvous: the touched vessels' grid points, then the pairs with them or still open
        keep = np.ones(len(self.grid["mmsi"]), dtype=bool)
        keep[np.isin(self.grid["mmsi"], vessels)] = False
        g_new = slow_grid(fresh, cfg.rendezvous)
        self.grid = {k: np.concatenate([v[keep], g_new[k]]) for k, v in self.grid.items()}
        open_r = [m for r in self.rendezvous if r.end is None for m in (r.mmsi, r.other_mmsi) if m is not None]
        pairs = np.union1d(vessels, np.array(open_r, dtype=np.int64)).astype(np.int64)
        pair_set = set(pairs.tolist())
        self.rendezvous = [
            r for r in self.rendezvous if r.mmsi not in pair_set and r.other_mmsi not in pair_set
        ] + grid_rendezvous(self.grid, cfg, now, vessels=pairs)
        self.stats = CycleStats(len(new["t"]), len(vessels), len(redo_set | pair_set), since)
        return self.events(fleet)

    def _update_reception(self, old_tr: Tracks, fresh: Tracks, vessels: Ints, changed: Floats, now: float) -> None:
        """The reception model of the new tracks: the old one less the touched vessels' old
        tracks plus their new ones (:func:`~maritime.detect.reception.updated_reception`), or
        built again when the window's first bin moved. Of each vessel only the reports from
        the reception bin of its first change on (``changed``, :func:`first_differences`) are
        taken out and put in: the grids before it count the same reports in the same segments."""
        cfg, tr = self.config.dark, self.tracks
        rec = self.reception
        if len(tr) == 0 or len(old_tr) == 0:
            self.reception = reception_model(tr, cfg)
            return
        b0, nb = bin_range(float(tr.t.min()), max(float(tr.t.max()), now), cfg.bin_minutes * 60.0)
        if b0 != rec.b0 or nb < rec.nb:
            self.reception = reception_model(tr, cfg)
            return
        bin_s = cfg.bin_minutes * 60.0
        cut = np.floor(changed / bin_s)  # first bin of each vessel that may differ (inf: none)
        old_tail, new_tail = _tail_rows(old_tr, vessels, cut, bin_s), _tail_rows(fresh, vessels, cut, bin_s)
        flipped = _class_flips(old_tr, fresh, new_tail, vessels, bin_s)
        if len(flipped):  # a segment across the cut changed class: those vessels whole
            cut[np.isin(vessels, flipped)] = -np.inf
            old_tail, new_tail = _tail_rows(old_tr, vessels, cut, bin_s), _tail_rows(fresh, vessels, cut, bin_s)
        removed = reception_model(_tail(old_tr, old_tail[0], now), cfg, (b0, nb))
        added = reception_model(_tail(fresh, new_tail[0], now), cfg, (b0, nb))
        self.reception = updated_reception(rekeyed(rec, nb), removed, added, tr, cfg)

    def _settled_run(self, e: Event, since: float, shared: Ints) -> bool:
        """Whether loitering event ``e`` comes from a run that depends only on reports before
        ``since`` (:func:`maritime.detect.loitering.run_key`), in the current tracks."""
        if e.mmsi in shared:
            return False
        tr, last_seen = self.tracks, float(e.details.get("last_seen", np.inf))
        a, b = int(np.searchsorted(tr.mmsi, e.mmsi, "left")), int(np.searchsorted(tr.mmsi, e.mmsi, "right"))
        i = a + int(np.searchsorted(tr.t[a:b], last_seen))
        if i >= b or tr.t[i] != last_seen:
            return False
        return bool(run_key(tr, np.array([i]), self.config.loitering)[0] < since)

    def _merge(self, new: Columns, vessels: Ints) -> None:
        """Add ``new`` (sorted) to the window, keeping it sorted."""
        old = self.cols
        # fast path: each vessel's new reports come after its stored ones (a merge by MMSI)
        last = np.searchsorted(old["mmsi"], vessels, side="right")
        has_old = (last > 0) & (old["mmsi"][np.maximum(last - 1, 0)] == vessels) if len(old["mmsi"]) else last < 0
        first = np.searchsorted(new["mmsi"], vessels, side="left")
        lo = last[has_old] - 1
        fi = first[has_old]
        after = (new["t"][fi] > old["t"][lo]) | ((new["t"][fi] == old["t"][lo]) & (new["hash"][fi] > old["hash"][lo]))
        if bool(after.all()):
            runs = pieces(last, last, new["mmsi"], vessels, len(old["mmsi"]))
            self.cols = {k: join_pieces(runs, old[k], new[k]) for k in old}
        else:
            self.cols = sort_columns({k: np.concatenate([old[k], new[k]]) for k in old})
