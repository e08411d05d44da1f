"""Identity change: a name, call sign, IMO or flag (MID) change, raised when it is unusual.

Input: :class:`IdentityChanges`, the rows of ``identity_history`` (one per change of a field
of one MMSI, with the value before) plus, for the flag, the rows that say which MMSI reported
an IMO number, and the vessels' positions (:class:`~maritime.detect.tracks.Tracks`) for the
context of each change.

A change of ``name``, ``callsign`` or ``imo`` of an MMSI, or a *flag change* (an IMO number
reported under an MMSI of another MID than the MMSI that reported it before: re-flagging
gives a ship a new MMSI, its IMO number stays), is **unusual**, and raised, when any of
(thresholds in ``[identity_change]`` of defaults.toml):

1. ``at_sea``: the vessel's report nearest the change (within ``position_window_hours``) is
   at least ``at_sea_min_port_km`` from every port and anchorage. Ships are renamed and
   re-flagged in port, with a survey and new papers; a swap at sea is Windward's
   identity-tampering signature.
2. ``after_dark``: the MMSI (for a flag change: the previous MMSI) sent no position for at
   least ``dark_min_hours`` right before the change.
3. ``frequent``: at least ``frequent_changes`` changes of the field within ``frequent_hours``.

A change in port, with the transponder heard throughout, is the ordinary case and is not
raised. Values are compared after trimming spaces and AIS padding (``@``) and case: a
re-typed name is no change. The event is an instant (start = end = the change, UTC seconds).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from maritime.detect.config import IdentityChangeConfig
from maritime.detect.events import IDENTITY_CHANGE, Event, iso
from maritime.detect.shore import port_distance
from maritime.detect.tracks import Tracks
from maritime.reference.mid import allocated_mids, mid_of, mmsi_problem

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


@dataclass
class IdentityChanges:
    """Identity history rows (``identity_history`` and the dimension changes of the identity
    reports), one per change, sorted by time.

    Attributes:
        mmsi: the MMSI.
        t: UTC seconds of the report that carried the new value.
        field: ``name`` | ``callsign`` | ``imo`` | ``ship_type`` | ``length`` | ``width``.
        value, previous: text of the new and old value (previous None: first value seen).
    """

    mmsi: Ints
    t: Floats
    field: list[str]
    value: list[str | None]
    previous: list[str | None]

    def __len__(self) -> int:
        return len(self.t)

    @staticmethod
    def from_rows(rows: list[tuple[Any, ...]]) -> IdentityChanges:
        """From (mmsi, t UTC seconds, field, value, previous) tuples (any order)."""
        rows = sorted(rows, key=lambda r: (float(r[1]), int(r[0]), str(r[2]), str(r[3])))
        return IdentityChanges(
            mmsi=np.array([int(r[0]) for r in rows], dtype=np.int64),
            t=np.array([float(r[1]) for r in rows], dtype=np.float64),
            field=[str(r[2]) for r in rows],
            value=[None if r[3] is None else str(r[3]) for r in rows],
            previous=[None if r[4] is None else str(r[4]) for r in rows],
        )


def empty_changes() -> IdentityChanges:
    return IdentityChanges(np.zeros(0, dtype=np.int64), np.zeros(0), [], [], [])


def norm(v: str | None) -> str:
    """Comparable form of an AIS text field (``@`` padding, spaces, case removed)."""
    return "" if v is None else " ".join(v.replace("@", " ").split()).upper()


class Context:
    """Positions of the MMSIs of interest, by MMSI and time: where a vessel was at a time,
    and how long it had been silent before it."""

    def __init__(self, tr: Tracks, mmsis: npt.ArrayLike) -> None:
        want = np.unique(np.asarray(mmsis, dtype=np.int64))
        sel = np.nonzero(np.isin(tr.mmsi, want))[0] if len(tr) else np.zeros(0, dtype=np.int64)
        order = np.lexsort((tr.t[sel], tr.mmsi[sel]))
        idx = sel[order]
        self.mmsi = tr.mmsi[idx]
        self.t = tr.t[idx]
        self.lat = tr.lat[idx]
        self.lon = tr.lon[idx]

    def _span(self, mmsi: int) -> tuple[int, int]:
        a = int(np.searchsorted(self.mmsi, mmsi, side="left"))
        b = int(np.searchsorted(self.mmsi, mmsi, side="right"))
        return a, b

    def nearest(self, mmsi: int, t: float, window_s: float) -> tuple[float, float] | None:
        """Position of the report of ``mmsi`` nearest ``t`` within ``window_s`` (None: none)."""
        a, b = self._span(mmsi)
        if a == b:
            return None
        k = a + int(np.searchsorted(self.t[a:b], t))
        best = [j for j in (k - 1, k) if a <= j < b]
        j = min(best, key=lambda j: abs(self.t[j] - t))
        if abs(self.t[j] - t) > window_s:
            return None
        return float(self.lat[j]), float(self.lon[j])

    def silence_before(self, mmsi: int, t: float, window_s: float) -> float | None:
        """Longest silence (s) of ``mmsi`` ending in ``[t - window_s, t]``: between two
        consecutive reports the later of which is in that interval, or from the last report
        to ``t`` itself (None: no report before ``t``)."""
        a, b = self._span(mmsi)
        tt = self.t[a:b]
        k0 = int(np.searchsorted(tt, t - window_s, side="left"))
        k1 = int(np.searchsorted(tt, t, side="right"))
        if k1 == 0:
            return None
        best = t - float(tt[k1 - 1])
        lo = max(k0, 1)
        if k1 > lo:
            best = max(best, float(np.max(tt[lo:k1] - tt[lo - 1 : k1 - 1])))
        return best

    def first_after(self, mmsi: int, t: float) -> float | None:
        a, b = self._span(mmsi)
        k = a + int(np.searchsorted(self.t[a:b], t))
        return float(self.t[k]) if k < b else None

    def last_before(self, mmsi: int, t: float) -> float | None:
        a, b = self._span(mmsi)
        k = a + int(np.searchsorted(self.t[a:b], t)) - 1
        return float(self.t[k]) if k >= a else None


def valid_imo(text: str | None) -> bool:
    """A seven-digit IMO ship number whose check digit is right (IMO Resolution A.1078(28):
    the digits weighted 7..2, summed; the last digit of the sum is the check digit)."""
    t = norm(text)
    if len(t) != 7 or not t.isdigit() or t[0] == "0":
        return False
    return sum(int(d) * w for d, w in zip(t[:6], range(7, 1, -1))) % 10 == int(t[6])


def _flag_changes(ch: IdentityChanges) -> list[tuple[int, float, str, str, int]]:
    """(mmsi, t, new MID text, old MID text, previous MMSI) when an IMO number moves to an
    MMSI of another MID."""
    out = []
    last: dict[str, int] = {}
    for m, t, f, v in zip(ch.mmsi.tolist(), ch.t.tolist(), ch.field, ch.value):
        if f != "imo" or not valid_imo(v):
            continue
        key = norm(v)
        prev = last.get(key)
        last[key] = int(m)
        if prev is None or prev == m:
            continue
        a, b = mid_of(int(m)), mid_of(prev)
        if a is not None and b is not None and a != b:
            out.append((int(m), float(t), str(a), str(b), prev))
    return out


def _without_alternation(
    cands: list[tuple[int, float, str, str, str, int]], window_s: float
) -> list[tuple[int, float, str, str, str, int]]:
    """Drop changes of an MMSI's field that go back and forth (A → B → A within
    ``window_s``): two transmitters sharing the MMSI, each with its own identity (the
    segmenter's ``identity_conflict``), not one vessel changing identity."""
    by: dict[tuple[int, str], list[int]] = {}
    for i, c in enumerate(cands):
        by.setdefault((c[0], c[2]), []).append(i)
    drop: set[int] = set()
    for idx in by.values():
        for pos, i in enumerate(idx):
            t, p = cands[i][1], norm(cands[i][4])
            for j in idx[pos + 1 :]:
                if cands[j][1] - t > window_s:
                    break
                if norm(cands[j][3]) == p:
                    drop.update((i, j))
    return [c for i, c in enumerate(cands) if i not in drop]


def detect_identity_changes(
    tr: Tracks, changes: IdentityChanges, config: IdentityChangeConfig | None = None
) -> list[Event]:
    """Unusual identity changes (see the module docstring)."""
    cfg = config or IdentityChangeConfig()
    if len(changes) == 0:
        return []
    watch = set(cfg.fields)
    # candidate changes: (mmsi, t, field, value, previous, mmsi to test for silence)
    cands: list[tuple[int, float, str, str, str, int]] = []
    for m, t, f, v, p in zip(changes.mmsi.tolist(), changes.t.tolist(), changes.field, changes.value, changes.previous):
        if f in ("name", "callsign", "imo") and f in watch and p is not None and norm(v) != norm(p):
            if not norm(v) or not norm(p):
                continue  # a field left blank or filled in is no change of identity
            cands.append((int(m), float(t), f, v or "", p or "", int(m)))
    if "flag" in watch:
        for m, t, new, old, prev in _flag_changes(changes):
            cands.append((m, t, "flag", new, old, prev))
    cands = _without_alternation(cands, cfg.frequent_hours * 3600.0)
    # an MMSI shared by several transmitters (split by the segmenter) or not a ship's has
    # no single identity to change
    shared = set(tr.shared_mmsis)
    cands = [c for c in cands if c[0] not in shared and c[5] not in shared and mmsi_problem(c[0]) is None]
    if not cands:
        return []
    ctx = Context(tr, [c[0] for c in cands] + [c[5] for c in cands])
    win = cfg.position_window_hours * 3600.0
    # a flag change: the old MMSI falls silent; both MMSIs heard on is a copied IMO number
    cands = [c for c in cands if c[2] != "flag" or (ctx.first_after(c[5], c[1] + win) is None)]
    # frequent: changes to distinct new values per (mmsi, field) within frequent_hours
    times: dict[tuple[int, str], list[tuple[float, str]]] = {}
    for c in cands:
        times.setdefault((c[0], c[2]), []).append((c[1], norm(c[3])))
    pos = [ctx.nearest(c[0], c[1], win) for c in cands]
    known = [i for i, p in enumerate(pos) if p is not None]
    d_port = np.full(len(cands), np.nan)
    if known:
        d_port[known] = port_distance([pos[i][0] for i in known], [pos[i][1] for i in known])  # type: ignore[index]
    mids = allocated_mids()
    out: list[Event] = []
    for i, (m, t, f, v, p, m_prev) in enumerate(cands):
        reasons = []
        if np.isfinite(d_port[i]) and d_port[i] >= cfg.at_sea_min_port_km:
            reasons.append("at_sea")
        if m_prev == m:
            gap = ctx.silence_before(m, t, win)
        else:  # flag change: the old MMSI's last report to the new MMSI's first around t
            last = ctx.last_before(m_prev, t)
            first = ctx.first_after(m, t - win)
            gap = None if last is None else (first if first is not None else t) - last
        if gap is not None and gap >= cfg.dark_min_hours * 3600.0:
            reasons.append("after_dark")
        ts = times[(m, f)]
        n_recent = len({v_ for x, v_ in ts if t - cfg.frequent_hours * 3600.0 <= x <= t})
        if n_recent >= cfg.frequent_changes:
            reasons.append("frequent")
        if not reasons:
            continue
        here = pos[i]
        lat, lon = here if here is not None else (float("nan"), float("nan"))
        details: dict[str, Any] = {
            "field": f,
            "value": v,
            "previous": p,
            "reasons": reasons,
            "distance_to_port_km": None if not np.isfinite(d_port[i]) else round(float(d_port[i]), 2),
            "silence_before_h": None if gap is None else round(gap / 3600.0, 2),
            "changes_in_window": n_recent,
        }
        if f == "flag":
            details["previous_mmsi"] = m_prev
            details["flag"] = mids.get(int(v))
            details["previous_flag"] = mids.get(int(p))
        conf = min(0.99, 0.5 + 0.2 * len(reasons) + (0.1 if f in ("flag", "imo") else 0.0))
        out.append(
            Event(
                kind=IDENTITY_CHANGE,
                mmsi=m,
                other_mmsi=None,
                start=t,
                end=t,
                lat=lat if np.isfinite(lat) else 0.0,
                lon=lon if np.isfinite(lon) else 0.0,
                confidence=conf,
                details={**details, "time": iso(t), "position_known": pos[i] is not None},
            )
        )
    # one event per (mmsi, second): several fields changing in one report are one change
    merged: dict[tuple[int, int], Event] = {}
    for e in out:
        key = (e.mmsi, int(np.floor(e.start)))
        if key in merged:
            o = merged[key]
            o.details.setdefault("also", []).append(
                {"field": e.details["field"], "value": e.details["value"], "previous": e.details["previous"]}
            )
            o.confidence = max(o.confidence, e.confidence)
            continue
        merged[key] = e
    return list(merged.values())
