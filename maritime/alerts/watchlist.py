"""Watch lists: vessels to alert on wherever they are seen, by MMSI, IMO, call sign or name (pure).

A watch list is a CSV file with a header row (``#`` lines are comments). Two layouts:

* **maritime**: columns ``mmsi, imo, callsign, name, reason, source`` (any order, any case,
  missing columns allowed); each row needs at least one of the four identifiers.
* **Combined IUU Vessel List** (Trygg Mat Tracking, iuu-vessels.org: the RFMO IUU lists and
  INTERPOL Purple Notices in one table; its spreadsheet download). Recognised by its column
  headers, matched case-insensitively with spaces and punctuation ignored: name (``Name``,
  ``Current Name``, ``Vessel Name``), ``IMO`` / ``IMO Number``, call sign (``IRCS``, ``Call
  Sign``), ``MMSI``, flag (``Flag``, ``Current Flag``) and the listing body (``Listed By``,
  ``RFMO``, ``Listing RFMO``, ``IUU Listing``). The list keeps delisted vessels: a row whose
  status column (``Status``, ``Listing Status``, ``Current Status``) says "delisted" is skipped.
  The reason becomes "IUU listed by <body>" and the source "Combined IUU Vessel List".
  No copy of the list ships with this project; download it from iuu-vessels.org.

Matching (:func:`matches`) compares an entry with every identifier a vessel has used: its
MMSI, and every IMO, call sign and name it has reported (``identity_history`` keeps the old
ones). An IMO is a hull's number for life, so an entry listed by IMO, or by an MMSI whose
vessel once reported an IMO (:func:`link_imos`), still matches the vessel under a new MMSI,
name or flag. Call signs and names are compared upper-case with runs of spaces collapsed; a
name-only match is weaker evidence and says so (``matched_on``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from maritime.alerts.model import AlertError

#: Header aliases (normalised: lower case, letters and digits only) per field.
ALIASES: dict[str, tuple[str, ...]] = {
    "mmsi": ("mmsi",),
    "imo": ("imo", "imonumber", "imono"),
    "callsign": ("callsign", "ircs", "radiocallsign", "currentircs", "currentcallsign"),
    "name": ("name", "currentname", "vesselname", "shipname"),
    "reason": ("reason",),
    "source": ("source",),
    "flag": ("flag", "currentflag"),
    "listed_by": ("listedby", "rfmo", "listingrfmo", "iuulisting", "listingbody"),
    "status": ("status", "listingstatus", "currentstatus"),
}
IUU_SOURCE = "Combined IUU Vessel List (iuu-vessels.org)"


class WatchlistError(AlertError):
    """A watch-list file that does not load (one line, with the file and line)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One listed vessel; at least one identifier is set. ``line``: its line in the file."""

    mmsi: int | None = None
    imo: int | None = None
    callsign: str | None = None
    name: str | None = None
    reason: str = ""
    source: str = ""
    line: int = 0
    linked_imos: frozenset[int] = frozenset()  #: IMOs its listed MMSI was seen with

    @property
    def key(self) -> str:
        """A stable text for the entry (its identifiers), for ids."""
        return f"{self.mmsi or ''}|{self.imo or ''}|{self.callsign or ''}|{self.name or ''}"


@dataclass(frozen=True, slots=True)
class WatchList:
    """A named list (the file's stem unless given) and its entries."""

    name: str
    entries: tuple[Entry, ...]
    path: str = ""
    layout: str = "maritime"
    skipped_delisted: int = 0


@dataclass(frozen=True, slots=True)
class VesselIdentity:
    """Everything a rule or a watch list may ask about one MMSI. ``imos``, ``callsigns`` and
    ``names`` hold every value ever reported (normalised), the current ones included."""

    mmsi: int
    name: str | None = None
    callsign: str | None = None
    imo: int | None = None
    ship_type: int | None = None
    length_m: float | None = None
    mid: int | None = None
    flag: str | None = None
    vessel_class: str | None = None  #: "A", "B" or None (unknown)
    imos: frozenset[int] = frozenset()
    callsigns: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    last_lat: float | None = None
    last_lon: float | None = None
    last_sog: float | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    """An entry of a list that a vessel matches, and on what."""

    watchlist: str
    entry: Entry
    matched_on: tuple[str, ...] = field(default=())


def norm_text(value: str | None) -> str | None:
    """Upper case, runs of white space collapsed, trailing AIS padding (``@``) removed."""
    if value is None:
        return None
    text = " ".join(value.replace("@", " ").upper().split())
    return text or None


def imo_valid(imo: int) -> bool:
    """The IMO number check digit (IMO Resolution A.1078(28)): the first six digits times
    7, 6, 5, 4, 3, 2, summed; the last digit of the sum is the seventh digit."""
    if not 1_000_000 <= imo <= 9_999_999:
        return False
    digits = [int(c) for c in str(imo)]
    return sum(d * w for d, w in zip(digits[:6], range(7, 1, -1))) % 10 == digits[6]


def _norm_header(h: str) -> str:
    return re.sub(r"[^a-z0-9]", "", h.lower())


def _columns(header: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, h in enumerate(header):
        n = _norm_header(h)
        for fld, names in ALIASES.items():
            if n in names and fld not in found:
                found[fld] = i
    return found


def _int_field(text: str, what: str, line: int, path: str) -> int | None:
    t = re.sub(r"^\s*(imo|mmsi)\s*:?\s*", "", text.strip(), flags=re.I)
    if not t or t in ("-", "0") or t.lower() in ("n/a", "na", "unknown", "none"):
        return None
    if not t.isdigit():
        raise WatchlistError(f"{path}:{line}: {what} {text!r} is not a number")
    return int(t)


def parse_watchlist(text: str, name: str, path: str = "<watchlist>") -> WatchList:
    """Read one watch-list file's text. Raises :class:`WatchlistError` at the first bad row."""
    rows = [(i + 1, r) for i, r in enumerate(text.splitlines()) if r.strip() and not r.lstrip().startswith("#")]
    if not rows:
        raise WatchlistError(f"{path}: the watch list is empty (it needs a header row)")
    delimiter = ";" if rows[0][1].count(";") > rows[0][1].count(",") else ","
    parsed = list(csv.reader(io.StringIO("\n".join(r for _, r in rows)), delimiter=delimiter))
    cols = _columns(parsed[0])
    if not any(k in cols for k in ("mmsi", "imo", "callsign", "name")):
        raise WatchlistError(
            f"{path}:{rows[0][0]}: the header names no mmsi, imo, callsign (IRCS) or name column: {rows[0][1][:80]!r}"
        )
    iuu = "listed_by" in cols or ("reason" not in cols and ("status" in cols or "flag" in cols))
    entries: list[Entry] = []
    skipped = 0
    for (line, _), values in zip(rows[1:], parsed[1:]):

        def get(fld: str, values: list[str] = values) -> str:
            i = cols.get(fld)
            return values[i].strip() if i is not None and i < len(values) else ""

        if "delisted" in get("status").lower():
            skipped += 1
            continue
        mmsi = _int_field(get("mmsi"), "MMSI", line, path)
        if mmsi is not None and not 100_000_000 <= mmsi <= 999_999_999:
            raise WatchlistError(f"{path}:{line}: MMSI {mmsi} is not nine digits")
        imo = _int_field(get("imo"), "IMO", line, path)
        if imo is not None and not imo_valid(imo):
            raise WatchlistError(f"{path}:{line}: IMO {imo} fails the IMO check digit")
        callsign, vname = norm_text(get("callsign")), norm_text(get("name"))
        if mmsi is None and imo is None and callsign is None and vname is None:
            raise WatchlistError(f"{path}:{line}: the row has no MMSI, IMO, call sign or name")
        body = get("listed_by")
        reason = get("reason") or (f"IUU listed by {body}" if body else ("IUU listed" if iuu else ""))
        source = get("source") or (IUU_SOURCE if iuu else path)
        entries.append(Entry(mmsi, imo, callsign, vname, reason, source, line))
    return WatchList(name, tuple(entries), path, "iuu" if iuu else "maritime", skipped)


def link_imos(wl: WatchList, known: Mapping[int, VesselIdentity]) -> WatchList:
    """The list with each MMSI entry linked to the IMOs its MMSI was seen with (``known``: the
    identities of the listed MMSIs), so the hull is still found under another MMSI."""
    out = []
    for e in wl.entries:
        v = known.get(e.mmsi) if e.mmsi is not None else None
        out.append(replace(e, linked_imos=frozenset(v.imos)) if v is not None and v.imos else e)
    return replace(wl, entries=tuple(out))


def entry_matches(e: Entry, v: VesselIdentity) -> tuple[str, ...]:
    """What ``v`` matches ``e`` on (``mmsi``, ``imo``, ``callsign``, ``name``); empty: no match.
    Name and call sign alone are enough only when the entry gives no MMSI or IMO to contradict."""
    on: list[str] = []
    if e.mmsi is not None and e.mmsi == v.mmsi:
        on.append("mmsi")
    imos = ({e.imo} if e.imo is not None else set()) | set(e.linked_imos)
    if imos & set(v.imos):
        on.append("imo")
    if on:
        return tuple(on)
    if e.imo is not None and v.imos:  # the entry's hull number is known and this vessel has another
        return ()
    if e.callsign is not None and e.callsign in v.callsigns:
        on.append("callsign")
    if e.name is not None and e.name in v.names:
        on.append("name")
    return tuple(on)


def matches(v: VesselIdentity, lists: Iterable[WatchList]) -> list[Hit]:
    """Every entry of ``lists`` that ``v`` matches."""
    return [Hit(wl.name, e, on) for wl in lists for e in wl.entries if (on := entry_matches(e, v))]


def identifiers(lists: Iterable[WatchList]) -> tuple[list[int], list[int], list[str], list[str]]:
    """The MMSIs, IMOs (listed and linked), call signs and names of ``lists``, for a database
    pre-filter."""
    mmsis: set[int] = set()
    imos: set[int] = set()
    calls: set[str] = set()
    names: set[str] = set()
    for wl in lists:
        for e in wl.entries:
            if e.mmsi is not None:
                mmsis.add(e.mmsi)
            if e.imo is not None:
                imos.add(e.imo)
            imos |= e.linked_imos
            if e.callsign:
                calls.add(e.callsign)
            if e.name:
                names.add(e.name)
    return sorted(mmsis), sorted(imos), sorted(calls), sorted(names)
