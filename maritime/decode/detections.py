"""Satellite (SAR, optical, night-light) detection files → contact records (pure: text in).

One row per detected object: time, lat, lon and, when known, length, score and scene id;
rows come from CSV text or from GeoJSON Point features. Scene footprints (polygons with their
acquisition time: where the sensor looked) come from GeoJSON Polygon/MultiPolygon features or
from a CSV ``footprint_wkt`` column.

The reference layout is Global Fishing Watch's published SAR detections. Column names
accepted, first match wins (sources: GFW technical documentation, "SAR object detections",
key fields ``scene_id``, ``detect_id``, ``detect_lon``, ``detect_lat``, ``detect_timestamp``,
``presence``, ``length_m``, ``footprint_wkt``; and the public BigQuery table
``global-fishing-watch.paper_industrial_activity.vessels_v20231013`` of Paolo et al. 2024,
whose ``detect_id``, ``timestamp``, ``lat``, ``lon`` and ``mmsi`` the repository
GlobalFishingWatch/paper-industrial-activity ``data/vessels_meta.sql`` reads):

* time: ``detect_timestamp``, ``timestamp``, ``time``, ``datetime`` (ISO 8601, with
  ``Z``, an offset or a trailing `` UTC`` as BigQuery writes it; or UNIX seconds /
  milliseconds); always UTC.
* position: ``detect_lat``/``detect_lon``, ``lat``/``lon``, ``latitude``/``longitude`` (degrees).
* length: ``length_m``, ``inferred_length_m`` (metres).
* score (0-1): ``presence``, ``presence_score``, ``inferred_presence``, ``score``, ``confidence``.
* ``scene_id``, ``detect_id``; ``position_sigma_m`` (metres) per row when the file has it.

Position uncertainty, when the file does not give it: ``position_sigma_m`` = 100 m (1 sigma,
isotropic). Sentinel-1 IW GRD pixels are about 20 m (ESA Sentinel-1 user guide), a detection
is the centroid of a ship up to hundreds of metres long, and a moving ship is displaced along
the satellite track by its radial speed times the slant-range/velocity ratio (~110 s for
Sentinel-1: ~110 m per m/s), which GFW's matching allows for (Paolo et al. 2024, Methods).

A file missing the time or position columns is a user error
(:class:`DetectionFormatError`, one line); a bad row is returned with its reason
(``bad_time``, ``bad_position``, ``bad_field``, ``bad_geometry``).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import shapely
import shapely.geometry

from maritime.decode.radar import Contact, Reject
from maritime.errors import MaritimeError

TIME_COLUMNS = ("detect_timestamp", "timestamp", "time", "datetime")
LAT_COLUMNS = ("detect_lat", "lat", "latitude")
LON_COLUMNS = ("detect_lon", "lon", "longitude")
LENGTH_COLUMNS = ("length_m", "inferred_length_m")
SCORE_COLUMNS = ("presence", "presence_score", "inferred_presence", "score", "confidence")
#: Default 1-sigma position error of a satellite detection, metres (module docstring).
POSITION_SIGMA_M = 100.0


class DetectionFormatError(MaritimeError):
    """A detection file lacks what every row needs."""


@dataclass(slots=True, frozen=True)
class Footprint:
    """Where a scene looked: ``wkt`` polygon (lon/lat degrees) acquired at ``ts_us`` UTC."""

    scene_id: str
    ts_us: int
    sensor_id: str
    wkt: str


@dataclass(slots=True)
class DetectionBatch:
    """What a detection file holds."""

    contacts: list[Contact] = field(default_factory=list)
    footprints: list[Footprint] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


def parse_time_us(value: object) -> int:
    """A detection time → UTC microseconds; ValueError when it is not a time."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        text = str(value).strip()
        try:
            number = float(text)
        except ValueError:
            if text.endswith(" UTC"):
                text = text[:-4]
            dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if dt.tzinfo is None:
                dt = dt.replace(tzinfo=UTC)
            return round(dt.timestamp() * 1_000_000)
    if not math.isfinite(number):
        raise ValueError(value)
    # more than 11 integer digits: milliseconds
    return round(number * 1000) if abs(number) >= 1e11 else round(number * 1_000_000)


def _pick(names: Mapping[str, str], candidates: tuple[str, ...]) -> str | None:
    for name in candidates:
        if name in names:
            return names[name]
    return None


def _number(value: object) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = float(str(value))
    return number if math.isfinite(number) else None


def _row_contact(
    row: Mapping[str, object],
    cols: dict[str, str | None],
    line_no: int,
    source_kind: str,
    sensor_id: str,
    sigma_m: float,
) -> Contact | str:
    """One row → a contact, or the reason it is bad."""
    try:
        ts = parse_time_us(row[cols["time"] or ""])
    except (ValueError, KeyError, TypeError, OverflowError):
        return "bad_time"
    try:
        lat = float(str(row[cols["lat"] or ""]))
        lon = float(str(row[cols["lon"] or ""]))
    except (ValueError, KeyError, TypeError):
        return "bad_position"
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return "bad_position"
    try:
        length = _number(row.get(cols["length"] or ""))
        score = _number(row.get(cols["score"] or ""))
        sigma = _number(row.get("position_sigma_m")) or sigma_m
    except (ValueError, TypeError):
        return "bad_field"
    scene = row.get("scene_id")
    detect = row.get("detect_id")
    return Contact(
        ts_us=ts,
        lat=lat,
        lon=lon,
        source_kind=source_kind,
        sensor_id=str(row.get("sensor_id") or sensor_id),
        sigma_major_m=sigma,
        sigma_minor_m=sigma,
        orientation_deg=0.0,
        scene_id=None if scene in (None, "") else str(scene),
        detect_id=None if detect in (None, "") else str(detect),
        length_m=length,
        confidence=score,
        line_no=line_no,
    )


def _columns(names: list[str], what: str) -> dict[str, str | None]:
    lower = {n.strip().lower(): n for n in names}
    cols = {
        "time": _pick(lower, TIME_COLUMNS),
        "lat": _pick(lower, LAT_COLUMNS),
        "lon": _pick(lower, LON_COLUMNS),
        "length": _pick(lower, LENGTH_COLUMNS),
        "score": _pick(lower, SCORE_COLUMNS),
    }
    missing = [k for k in ("time", "lat", "lon") if cols[k] is None]
    if missing:
        raise DetectionFormatError(
            f"{what} has no {'/'.join(missing)} column: expected one of "
            f"{', '.join(TIME_COLUMNS)} for time and detect_lat/lat/latitude, detect_lon/lon/longitude"
        )
    return cols


def read_detections_csv(
    text: str, source_kind: str = "sar", sensor_id: str = "sar", position_sigma_m: float = POSITION_SIGMA_M
) -> DetectionBatch:
    """CSV text (header row first) → contacts, scene footprints (``footprint_wkt``) and rejects."""
    reader = csv.DictReader(io.StringIO(text))
    cols = _columns(list(reader.fieldnames or []), "detection CSV")
    batch = DetectionBatch()
    seen_scenes: set[str] = set()
    for line_no, row in enumerate(reader, 2):
        raw = ",".join("" if v is None else str(v) for v in row.values())
        out = _row_contact(row, cols, line_no, source_kind, sensor_id, position_sigma_m)
        if isinstance(out, str):
            batch.rejects.append(Reject(line_no, raw, out))
            continue
        batch.contacts.append(out)
        wkt = (row.get("footprint_wkt") or "").strip()
        if wkt and out.scene_id and out.scene_id not in seen_scenes:
            try:
                geom = shapely.from_wkt(wkt)
            except shapely.errors.GEOSException:
                batch.rejects.append(Reject(line_no, raw, "bad_geometry"))
                continue
            seen_scenes.add(out.scene_id)
            batch.footprints.append(Footprint(out.scene_id, out.ts_us, out.sensor_id, geom.wkt))
    return batch


def read_detections_geojson(
    text: str, source_kind: str = "sar", sensor_id: str = "sar", position_sigma_m: float = POSITION_SIGMA_M
) -> DetectionBatch:
    """A GeoJSON FeatureCollection → contacts (Point features) and footprints (polygons).

    Each feature's properties hold the time (and for points the other fields above); the
    point's coordinates give lon/lat. ``line_no`` is the feature's 1-based position.
    """
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DetectionFormatError(f"detection GeoJSON is not JSON: {exc.msg} at line {exc.lineno}") from None
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise DetectionFormatError("detection GeoJSON has no 'features' list (a FeatureCollection is expected)")
    batch = DetectionBatch()
    for k, feature in enumerate(features, 1):
        raw = json.dumps(feature)[:1000]
        geom = feature.get("geometry") if isinstance(feature, dict) else None
        props = dict(feature.get("properties") or {}) if isinstance(feature, dict) else {}
        gtype = geom.get("type") if isinstance(geom, dict) else None
        if gtype == "Point":
            coords = geom.get("coordinates") if isinstance(geom, dict) else None
            if not isinstance(coords, list) or len(coords) < 2:
                batch.rejects.append(Reject(k, raw, "bad_position"))
                continue
            props["lon"], props["lat"] = coords[0], coords[1]
            cols = _columns([*props.keys()], "detection GeoJSON feature")
            out = _row_contact(props, cols, k, source_kind, sensor_id, position_sigma_m)
            if isinstance(out, str):
                batch.rejects.append(Reject(k, raw, out))
            else:
                batch.contacts.append(out)
        elif gtype in ("Polygon", "MultiPolygon"):
            lower = {n.lower(): n for n in props}
            time_col = _pick(lower, TIME_COLUMNS)
            try:
                ts = parse_time_us(props[time_col]) if time_col else None
            except (ValueError, TypeError, OverflowError):
                ts = None
            if ts is None:
                batch.rejects.append(Reject(k, raw, "bad_time"))
                continue
            try:
                shape = shapely.geometry.shape(geom)
            except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException):
                batch.rejects.append(Reject(k, raw, "bad_geometry"))
                continue
            scene = str(props.get("scene_id") or f"feature-{k}")
            batch.footprints.append(Footprint(scene, ts, str(props.get("sensor_id") or sensor_id), shape.wkt))
        else:
            batch.rejects.append(Reject(k, raw, "bad_geometry"))
    return batch
