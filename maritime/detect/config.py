"""Detection thresholds: one TOML file of documented defaults, overridable by subset.

Every threshold of every detector lives in ``maritime/detect/defaults.toml`` with its unit,
its default and the source of that default (Global Fishing Watch, Skylight, or our
reasoning). :func:`load_config` reads it with :mod:`tomllib` and, when given a path, overrides
any subset of its keys from another TOML file with the same sections::

    # my.toml
    [dark]
    min_gap_hours = 4.0

    cfg = load_config("my.toml")   # everything else keeps its default
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from maritime.errors import MaritimeError


@dataclass(frozen=True)
class TracksConfig:
    """Track preparation and segmentation (see ``[tracks]`` in defaults.toml)."""

    max_speed_kn: float = 50.0
    max_sustained_speed_kn: float = 25.0
    sustained_after_hours: float = 2.0
    noise_km: float = 0.5
    time_buffer_minutes: float = 15.0
    max_gap_hours: float = 168.0
    speed_window_minutes: float = 10.0
    max_speed_window_hours: float = 3.0
    min_segment_points: int = 3
    conflict_min_points: int = 3
    conflict_window_minutes: float = 60.0
    conflict_min_km: float = 10.0
    conflict_merge_hours: float = 6.0


@dataclass(frozen=True)
class LoiteringConfig:
    """Loitering (see ``[loitering]``)."""

    max_speed_kn: float = 2.0
    max_sog_kn: float = 2.5
    min_duration_hours: float = 2.0
    max_gap_hours: float = 3.0
    merge_gap_minutes: float = 30.0
    edge_minutes: float = 25.0
    max_radius_km: float = 15.0
    min_port_km: float = 10.0
    min_shore_km: float = 5.0
    suppress_rendezvous_fraction: float = 0.5


@dataclass(frozen=True)
class RendezvousConfig:
    """Rendezvous / encounters (see ``[rendezvous]``)."""

    max_distance_km: float = 0.5
    max_speed_kn: float = 2.0
    max_sog_kn: float = 2.5
    min_duration_hours: float = 2.0
    grid_minutes: float = 10.0
    max_interp_gap_minutes: float = 60.0
    max_slow_gap_hours: float = 12.0
    edge_minutes: float = 25.0
    merge_gap_minutes: float = 60.0
    min_port_km: float = 10.0
    min_shore_km: float = 0.0
    cell_km: float = 1.0


@dataclass(frozen=True)
class DarkConfig:
    """Dark periods / AIS disabling (see ``[dark]``)."""

    min_gap_hours: float = 2.0
    interval_factor: float = 20.0
    max_threshold_hours: float = 12.0
    evidence_hours: float = 12.0
    history_hours: float = 12.0
    min_history_reports: int = 10
    cell_deg: float = 0.1
    bin_minutes: float = 10.0
    station_window_minutes: float = 60.0
    station_cell_deg: float = 0.25
    satellite_receivers: tuple[str, ...] = ("sat", "s-ais", "exactearth", "spire")
    together_cell_deg: float = 0.5
    together_minutes: float = 20.0
    together_min_others: int = 2
    max_p_heard: float = 0.95
    prior_p_heard: float = 0.5
    prior_p_stay_unheard: float = 0.3
    prior_weight: float = 2.0
    max_p_silence: float = 1.0e-4
    min_covered_bins: int = 6
    class_b_max_p_silence: float = 1.0e-8
    class_b_min_heard_fraction: float = 0.6
    intermittent_coverage: float = 0.7
    intermittent_min_gap_hours: float = 6.0
    outage_min_baseline: float = 0.5
    outage_ratio: float = 0.5
    report_coverage_gaps: bool = True
    coverage_gap_confidence: float = 0.1
    min_port_km: float = 10.0
    min_shore_km: float = 5.0


@dataclass(frozen=True)
class ContactsConfig:
    """Events from radar and satellite contacts (see ``[contacts]``)."""

    min_track_contacts: int = 5
    full_track_contacts: float = 20.0
    min_detection_score: float = 0.5
    unknown_detection_score: float = 0.7
    coverage_radius_km: float = 20.0
    coverage_window_minutes: float = 30.0
    coverage_vessels: float = 3.0
    min_coverage_factor: float = 0.5
    rendezvous_max_distance_km: float = 0.5
    rendezvous_max_speed_kn: float = 2.0
    rendezvous_min_minutes: float = 30.0
    rendezvous_max_gap_minutes: float = 10.0
    snapshot_rendezvous_factor: float = 0.7
    min_length_m: float = 15.0
    p_detect: float = 0.9
    max_sigma_m: float = 500.0
    max_report_age_minutes: float = 10.0
    edge_margin_km: float = 1.0
    radar_max_scan_gap_s: float = 60.0
    radar_look_minutes: float = 1.0
    radar_min_unseen_minutes: float = 10.0
    correlation_context_minutes: float = 120.0
    track_context_minutes: float = 10.0


@dataclass(frozen=True)
class ZoneEntryConfig:
    """Zone entries (see ``[zone_entry]``)."""

    zones: tuple[str, ...] = ()
    hysteresis_km: float = 1.0
    reentry_minutes: float = 60.0
    open_hours: float = 6.0


@dataclass(frozen=True)
class SpeedRangeWatch:
    """One speed range watched in some zones: the keys of ``[speed_range]``, and of each
    ``[[speed_range.watch]]`` table (which names its own zones and takes the keys it leaves
    out from ``[speed_range]`` of the same file)."""

    zones: tuple[str, ...] = ()
    min_kn: float = 0.0
    max_kn: float = 4.0
    min_duration_minutes: float = 60.0
    min_distance_km: float = 0.0
    max_gap_minutes: float = 60.0


@dataclass(frozen=True)
class SpeedRangeConfig(SpeedRangeWatch):
    """Speed within a range inside a zone (see ``[speed_range]``): the section's own range in
    its ``zones``, and one more range per ``[[speed_range.watch]]`` table in ``watch``."""

    watch: tuple[SpeedRangeWatch, ...] = ()

    def watches(self) -> tuple[SpeedRangeWatch, ...]:
        """Every watched range: the section's own (when it names zones), then ``watch``."""
        own = SpeedRangeWatch(**{f.name: getattr(self, f.name) for f in dataclasses.fields(SpeedRangeWatch)})
        return ((own,) if self.zones else ()) + self.watch


@dataclass(frozen=True)
class PositionAnomalyConfig:
    """Reports a real ship cannot make (see ``[position_anomaly]``)."""

    teleport_min_km: float = 20.0
    teleport_max_gap_hours: float = 24.0
    land_min_inland_km: float = 3.0
    land_min_port_km: float = 25.0
    land_min_reports: int = 3
    check_mmsi: bool = True
    shared_min_mmsis: int = 3
    shared_window_minutes: float = 10.0
    shared_resolution_deg: float = 1.0e-5
    shared_min_port_km: float = 2.0
    dimension_change_m: float = 10.0
    voyage_min_port_km: float = 10.0
    merge_hours: float = 6.0
    open_hours: float = 6.0


@dataclass(frozen=True)
class IdentityChangeConfig:
    """Unusual identity changes (see ``[identity_change]``)."""

    fields: tuple[str, ...] = ("name", "callsign", "imo", "flag")
    at_sea_min_port_km: float = 10.0
    position_window_hours: float = 1.0
    dark_min_hours: float = 2.0
    frequent_changes: int = 3
    frequent_hours: float = 24.0


@dataclass(frozen=True)
class FishingConfig:
    """Apparent fishing (see ``[fishing]``)."""

    window_minutes: float = 60.0
    min_window_reports: int = 3
    max_working_speed_kn: float = 5.5
    max_gap_hours: float = 2.0
    merge_gap_hours: float = 3.0
    min_duration_hours: float = 1.5
    min_step_km: float = 0.05
    max_step_minutes: float = 15.0
    slow_speed_kn: float = 1.5
    circle_minutes: float = 20.0
    circle_min_speed_kn: float = 6.0
    circle_min_turn_deg: float = 180.0
    circle_max_close_km: float = 1.0
    circle_min_sailed_km: float = 1.2
    seine_min_slow_minutes: float = 30.0
    night_sun_depression_deg: float = 0.0
    squid_min_night_fraction: float = 0.7
    squid_min_speed_kn: float = 0.1
    squid_max_speed_kn: float = 1.5
    squid_min_duration_hours: float = 3.0
    trawl_min_speed_kn: float = 1.8
    trawl_max_speed_cv: float = 0.45
    trawl_max_straightness: float = 0.6
    longline_min_speed_kn: float = 1.0
    longline_max_speed_kn: float = 4.5
    longline_min_speed_cv: float = 0.45
    longline_min_irregularity_deg: float = 8.0
    transit_min_straightness: float = 0.85
    transit_max_irregularity_deg: float = 8.0
    min_port_km: float = 10.0
    fishing_ship_types: tuple[int, ...] = (30,)
    unknown_ship_types: tuple[int, ...] = (0, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99)


@dataclass(frozen=True)
class RunnerConfig:
    """Incremental runs (see ``[runner]``)."""

    lookback_hours: float = 24.0
    context_hours: float = 12.0
    max_window_hours: float = 96.0


@dataclass(frozen=True)
class AnchorageConfig:
    """Anchorages learned from the data (see ``[anchorages]``)."""

    max_sog_kn: float = 0.5
    cell_km: float = 0.5
    max_gap_hours: float = 3.0
    min_vessel_hours: float = 2.0
    min_vessels: int = 5
    min_span_hours: float = 12.0
    merge_km: float = 3.0
    enabled: bool = True


@dataclass(frozen=True)
class DetectConfig:
    """All thresholds, by section."""

    tracks: TracksConfig = field(default_factory=TracksConfig)
    loitering: LoiteringConfig = field(default_factory=LoiteringConfig)
    rendezvous: RendezvousConfig = field(default_factory=RendezvousConfig)
    dark: DarkConfig = field(default_factory=DarkConfig)
    runner: RunnerConfig = field(default_factory=RunnerConfig)
    anchorages: AnchorageConfig = field(default_factory=AnchorageConfig)
    contacts: ContactsConfig = field(default_factory=ContactsConfig)
    zone_entry: ZoneEntryConfig = field(default_factory=ZoneEntryConfig)
    speed_range: SpeedRangeConfig = field(default_factory=SpeedRangeConfig)
    position_anomaly: PositionAnomalyConfig = field(default_factory=PositionAnomalyConfig)
    identity_change: IdentityChangeConfig = field(default_factory=IdentityChangeConfig)
    fishing: FishingConfig = field(default_factory=FishingConfig)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Plain nested dictionary (for JSON and the ``detect_runs`` table). An empty
        ``speed_range.watch`` is left out, so thresholds without one keep the fingerprint
        they had before watches existed (no recomputation after an upgrade)."""
        d = dataclasses.asdict(self)
        if not self.speed_range.watch:
            del d["speed_range"]["watch"]
        return d

    def fingerprint(self) -> str:
        """A short hash of every value: a run with other thresholds recomputes everything."""
        text = json.dumps(self.to_dict(), sort_keys=True)
        return hashlib.sha1(text.encode()).hexdigest()[:16]


_CLASSES = {
    "tracks": TracksConfig,
    "loitering": LoiteringConfig,
    "rendezvous": RendezvousConfig,
    "dark": DarkConfig,
    "runner": RunnerConfig,
    "anchorages": AnchorageConfig,
    "contacts": ContactsConfig,
    "zone_entry": ZoneEntryConfig,
    "speed_range": SpeedRangeConfig,
    "position_anomaly": PositionAnomalyConfig,
    "identity_change": IdentityChangeConfig,
    "fishing": FishingConfig,
}


class ConfigError(MaritimeError, ValueError):
    """A configuration file that cannot be used; the message names the file and key."""


def default_config_path() -> Path:
    """Path of the bundled ``defaults.toml``."""
    return Path(str(resources.files("maritime.detect").joinpath("defaults.toml")))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None


def _coerce(src: Path, section: str, key: str, value: Any, default: Any) -> Any:
    where = f"{src}: [{section}] {key}"
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false, not {value!r}")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where} must be an integer, not {value!r}")
        if value < 0:
            raise ConfigError(f"{where} must not be negative")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where} must be a number, not {value!r}")
        if value < 0:
            raise ConfigError(f"{where} must not be negative")
        return float(value)
    if isinstance(default, tuple) and default and isinstance(default[0], int):
        if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise ConfigError(f"{where} must be a list of integers, not {value!r}")
        return tuple(value)
    if isinstance(default, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} must be a list of strings, not {value!r}")
        return tuple(value)
    return value


def _watches(src: Path, value: Any, section: SpeedRangeConfig) -> tuple[SpeedRangeWatch, ...]:
    """The ``[[speed_range.watch]]`` tables of one file: each names its zones; the keys it
    leaves out are the section's (``section``: as loaded so far, with this file's own
    ``[speed_range]`` keys applied). A file's tables replace the watches of earlier files."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(f"{src}: [speed_range] watch must be [[speed_range.watch]] tables")
    inherited = {f.name: getattr(section, f.name) for f in dataclasses.fields(SpeedRangeWatch)}
    out = []
    for i, table in enumerate(value, 1):
        where = f"speed_range.watch {i}"
        values = dict(inherited, zones=())
        for key, v in table.items():
            if key not in values:
                raise ConfigError(f"{src}: unknown key [{where}] {key}")
            values[key] = _coerce(src, where, key, v, inherited[key])
        w = SpeedRangeWatch(**values)
        if not w.zones:
            raise ConfigError(f'{src}: [{where}] needs zones = ["zone name", ...] (or ["*"] for every zone)')
        if w.min_kn > w.max_kn:
            raise ConfigError(f"{src}: [{where}] min_kn {w.min_kn:g} is above max_kn {w.max_kn:g}")
        out.append(w)
    return tuple(out)


def _apply(base: DetectConfig, doc: dict[str, Any], src: Path) -> DetectConfig:
    sections = {}
    for section, values in doc.items():
        if section not in _CLASSES:
            raise ConfigError(f"{src}: unknown section [{section}] (expected one of {', '.join(_CLASSES)})")
        if not isinstance(values, dict):
            raise ConfigError(f"{src}: [{section}] must be a table of key = value")
        current = getattr(base, section)
        known = {f.name for f in dataclasses.fields(current)}
        changes = {}
        for key, value in values.items():
            if key not in known:
                raise ConfigError(f"{src}: unknown key [{section}] {key}")
            if section == "speed_range" and key == "watch":
                continue  # after the section's own keys, which it inherits
            changes[key] = _coerce(src, section, key, value, getattr(current, key))
        updated = dataclasses.replace(current, **changes)
        if isinstance(updated, SpeedRangeConfig) and "watch" in values:
            updated = dataclasses.replace(updated, watch=_watches(src, values["watch"], updated))
        sections[section] = updated
    return dataclasses.replace(base, **sections)


def load_config_text(text: str, source: str) -> DetectConfig:
    """The bundled defaults, overridden by the TOML ``text`` (read earlier from ``source``,
    e.g. the thresholds stored in ``detection_settings``); same checks as :func:`load_config`.

    Raises:
        ConfigError: as :func:`load_config`, naming ``source``.
    """
    defaults = default_config_path()
    cfg = _apply(DetectConfig(), _read_toml(defaults), defaults)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML ({exc})") from None
    return _apply(cfg, doc, Path(source))


def load_config(path: str | Path | None = None) -> DetectConfig:
    """The bundled defaults, overridden by ``path`` (any subset of sections and keys).

    Raises:
        ConfigError: the file is missing, not TOML, or names an unknown section or key, or a
            value of the wrong type.
    """
    defaults = default_config_path()
    cfg = _apply(DetectConfig(), _read_toml(defaults), defaults)
    if path is not None:
        p = Path(path)
        cfg = _apply(cfg, _read_toml(p), p)
    return cfg
