"""Which zones and thresholds a detection run uses: the ones given, else the ones stored, else
the bundled defaults (pure; the DuckDB reads and writes are in :mod:`maritime.detect.runner`).

The rule, for ``maritime detect`` (both engines) and ``maritime serve``: the patrol zones and
the thresholds file a user last gave are stored in the database (table
``detection_settings``, one row) and reused by every later run until the user gives others.
Giving a file replaces the stored one (and, when the zones differ, the next run re-zones
every event); giving none never changes what is stored, so events never change zone because
another command ran. Zones and thresholds are chosen independently of each other.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from maritime.detect.config import DetectConfig

#: Where a setting of a run comes from.
Origin = Literal["given", "stored", "bundled"]


@dataclass(frozen=True)
class Setting:
    """A file the user chose: its full text and where it was read from."""

    text: str  #: the GeoJSON (zones) or TOML (thresholds) text
    source: str  #: the path it was read from, as given


@dataclass(frozen=True)
class Stored:
    """The ``detection_settings`` row: what the user last chose (None: the bundled default)."""

    zones: Setting | None = None
    config: Setting | None = None
    chosen_at: datetime | None = None  #: when it was stored (UTC wall time, bookkeeping only)


@dataclass(frozen=True)
class Choice:
    """The settings a run uses and whether the stored row must be replaced."""

    zones: Setting | None  #: None: the bundled patrol zones
    config: Setting | None  #: None: the bundled thresholds
    zones_origin: Origin
    config_origin: Origin
    replaced_zones: Setting | None = None  #: the stored zones the given ones replace (changed only)
    replaced_config: Setting | None = None  #: the stored thresholds the given ones replace
    zones_changed: bool = False  #: the given zones differ from the stored (or bundled) ones
    config_changed: bool = False  #: the given thresholds differ from the stored (or bundled) ones

    @property
    def store(self) -> bool:
        """True when the row in ``detection_settings`` must be written."""
        return self.zones_changed or self.config_changed

    def lines(self) -> list[str]:
        """What the run uses, for people (printed before the detection summary)."""
        return [
            _line("zones", self.zones, self.zones_origin, self.zones_changed, self.replaced_zones, "patrol zones"),
            _line("thresholds", self.config, self.config_origin, self.config_changed, self.replaced_config, "defaults"),
        ]


def _line(what: str, s: Setting | None, origin: Origin, changed: bool, old: Setting | None, default: str) -> str:
    if s is None:
        return f"{what}: bundled {default}"
    if origin == "stored":
        return f"{what}: {s.source} (stored in the database from an earlier run; give --{_flag(what)} to change)"
    if not changed:
        return f"{what}: {s.source} (same as stored)"
    was = f"stored {old.source}" if old is not None else f"bundled {default}"
    return f"{what}: {s.source} (new: replaces the {was}; stored for later runs)"


def _flag(what: str) -> str:
    return "zones" if what == "zones" else "config"


def choose(zones: Setting | None, config: Setting | None, stored: Stored) -> Choice:
    """The settings of a run from those given on the command line and those stored.

    Args:
        zones: the GeoJSON the user gave (None: none given).
        config: the thresholds TOML the user gave (None: none given).
        stored: the row of ``detection_settings`` (empty: nothing chosen yet).

    Returns:
        :class:`Choice`: given over stored over bundled, each setting on its own; a given
        setting is "changed" when its text differs from the one in force (same text from
        another path is not a change of zones, so events are not recomputed for it).
    """
    z: Setting | None
    c: Setting | None
    z_origin: Origin
    c_origin: Origin
    if zones is not None:
        z, z_origin, z_changed = zones, "given", stored.zones is None or stored.zones.text != zones.text
    else:
        z, z_origin, z_changed = stored.zones, ("stored" if stored.zones is not None else "bundled"), False
    if config is not None:
        c, c_origin, c_changed = config, "given", stored.config is None or stored.config.text != config.text
    else:
        c, c_origin, c_changed = stored.config, ("stored" if stored.config is not None else "bundled"), False
    # a changed path with the same text is stored too (the summary then names the new path)
    z_changed = z_changed or (zones is not None and stored.zones is not None and stored.zones.source != zones.source)
    c_changed = c_changed or (
        config is not None and stored.config is not None and stored.config.source != config.source
    )
    return Choice(
        zones=z,
        config=c,
        zones_origin=z_origin,
        config_origin=c_origin,
        replaced_zones=stored.zones if z_changed else None,
        replaced_config=stored.config if c_changed else None,
        zones_changed=z_changed,
        config_changed=c_changed,
    )


def unknown_zones(config: DetectConfig, names: Collection[str]) -> list[tuple[str, str]]:
    """(section, name) of every zone the zone detectors are told to watch (``[zone_entry]``,
    ``[speed_range]`` and each ``[[speed_range.watch]]``) that is not in ``names``; ``"*"``
    (every zone) is always known. A misspelt name would otherwise watch nothing, silently."""
    known = set(names) | {"*"}
    wanted = [("zone_entry", z) for z in config.zone_entry.zones]
    wanted += [("speed_range", z) for z in config.speed_range.zones]
    wanted += [(f"speed_range.watch {i}", z) for i, w in enumerate(config.speed_range.watch, 1) for z in w.zones]
    return [(where, z) for where, z in wanted if z not in known]


def _folded(text: str) -> str:
    """``text`` without case or accents ("Galápagos" → "galapagos")."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def closest_zones(name: str, names: Collection[str], n: int = 3) -> list[str]:
    """Up to ``n`` zone names a misspelt ``name`` may mean: those that contain it or that it
    contains, ignoring case and accents; when none does, the most similar by :mod:`difflib`."""
    folded = {z: _folded(z) for z in sorted(set(names))}
    want = _folded(name)
    out = [z for z, f in folded.items() if want in f or f in want]
    if not out:
        similar = difflib.get_close_matches(want, list(folded.values()), n=n, cutoff=0.5)
        out = [z for f in similar for z, g in folded.items() if g == f]
    return out[:n]
