"""NMEA 0183 radar target sentences → contact records (pure: lines in, records out, no I/O).

Sentences read (IEC 61162-1 / NMEA 0183 field layouts, as documented by gpsd's "AIVDM/NMEA"
pages and implemented by Java Marine API and go-nmea):

* ``TTM`` tracked target: number, range, bearing (T true / R relative), speed, course
  (T / R), CPA, TCPA, units (N nm+knots, K km+km/h, S statute mi+mph), name, status
  (T tracking, Q acquiring, L lost), reference flag, UTC ``hhmmss.ss``, acquisition type.
  Range and bearing are turned into lat/lon from the radar's own position with
  :func:`maritime.geodesy.destination`.
* ``TLL`` target lat/lon: number, ``ddmm.mmm`` latitude, ``dddmm.mmm`` longitude, name, UTC,
  status, reference.
* ``TLB`` target labels: pairs of (number, label); a label names the target's later contacts.
* ``OSD`` own-ship data: heading, course, speed (used to turn relative bearings, courses and
  speeds into true ones). ``OSD`` carries no position.
* ``RSD`` radar system data: the range scale in use (field 11) and its units (field 12),
  which set the range accuracy below. ``RSD`` carries no position either.
* ``GGA`` / ``GLL`` / ``RMC``: the radar's own position on a ship; ``RMC`` / ``ZDA`` also give
  the UTC date that ``hhmmss`` times need. A shore station's fixed position is passed in.

Every line that is not one of these is skipped; every bad one is returned with a reason
(``checksum``, ``malformed_sentence``, ``bad_field``, ``no_position``, ``no_heading``,
``no_time``), like the AIS rejects.

Uncertainty (1-sigma ellipse: major, minor in metres, orientation of the major axis in
degrees true). IMO resolution MSC.192(79), Revised performance standards for radar
equipment, 5.25.4.7.1 (target tracking accuracy, 95% probability): "Measured target range and
bearing should be within 50 m (or +/-1% of target range) and 2 degrees". Those 95% bounds are
taken as 2 sigma: sigma_range = max(50 m, 1% of the range) / 2 and sigma_bearing = 1 degree,
so the cross-range sigma is range x 1 degree. The same standard warns that accuracy "may be
significantly reduced during or shortly after acquisition" and manoeuvres; the correlation's
gate allows for that. The radar's own position adds ``own_sigma_m`` (10 m: IMO MSC.112(73)
requires 13 m at 95% from a shipborne GPS receiver; 0 for a surveyed station) in quadrature.
``RSD`` is validated and its range scale kept for reference; it does not change the model.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import xor

import pyarrow as pa

from maritime.geodesy import NM_KM, bearing_deg, destination, haversine_km

#: Statute mile in km.
SM_KM = 1.609344
#: Distance units of TTM field 10 → km per unit; speeds are the same unit per hour.
_UNIT_KM = {"N": NM_KM, "K": 1.0, "S": SM_KM}
#: IMO MSC.192(79) 5.25.4.7.1: tracked range within 50 m or 1% of the range (95%, 2 sigma).
RANGE_FLOOR_M = 50.0
RANGE_FRACTION = 0.01
#: IMO MSC.192(79) 5.25.4.7.1: tracked bearing within 2 degrees (95%, 2 sigma).
BEARING_MAX_DEG = 2.0
#: Own-ship GNSS position, 1 sigma (MSC.112(73): 13 m at 95%).
OWN_SIGMA_M = 10.0
#: A TLL without a known own position: bearing 0.5 degree at 6 nm is ~100 m.
TLL_SIGMA_M = 100.0

_TS = pa.timestamp("us", tz="UTC")

#: One row per non-AIS contact (radar or satellite detection); see :class:`Contact`.
CONTACT_SCHEMA = pa.schema(
    [
        pa.field("ts", _TS, nullable=False),
        pa.field("lat", pa.float64(), nullable=False),
        pa.field("lon", pa.float64(), nullable=False),
        pa.field("source_kind", pa.string(), nullable=False),
        pa.field("sensor_id", pa.string(), nullable=False),
        pa.field("track_id", pa.string()),
        pa.field("scene_id", pa.string()),
        pa.field("detect_id", pa.string()),
        pa.field("sigma_major_m", pa.float32(), nullable=False),
        pa.field("sigma_minor_m", pa.float32(), nullable=False),
        pa.field("orientation_deg", pa.float32(), nullable=False),
        pa.field("speed_kn", pa.float32()),
        pa.field("course_deg", pa.float32()),
        pa.field("length_m", pa.float32()),
        pa.field("confidence", pa.float32()),
        pa.field("name", pa.string()),
        pa.field("status", pa.string()),
        pa.field("line_no", pa.int64()),
    ]
)


@dataclass(slots=True, frozen=True)
class Contact:
    """One non-AIS observation of an object at sea.

    ``ts_us`` UTC microseconds; ``lat``/``lon`` WGS84 degrees; the position's 1-sigma error
    ellipse is ``sigma_major_m`` x ``sigma_minor_m`` metres with the major axis at
    ``orientation_deg`` (degrees true). ``track_id`` is ``"<sensor>:<target number>"`` for a
    radar track (a track per sensor and target number), None for a satellite detection,
    which has a ``scene_id`` instead. Speed in knots, course degrees true, length metres,
    confidence 0-1 (a detector's presence score), each None when the sensor does not say.
    """

    ts_us: int
    lat: float
    lon: float
    source_kind: str
    sensor_id: str
    sigma_major_m: float
    sigma_minor_m: float
    orientation_deg: float
    track_id: str | None = None
    scene_id: str | None = None
    detect_id: str | None = None
    speed_kn: float | None = None
    course_deg: float | None = None
    length_m: float | None = None
    confidence: float | None = None
    name: str | None = None
    status: str | None = None
    line_no: int | None = None


@dataclass(slots=True, frozen=True)
class Reject:
    """A bad input line and why."""

    line_no: int
    raw: str
    reason: str


def contacts_table(contacts: Iterable[Contact]) -> pa.Table:
    """Contacts as a :data:`CONTACT_SCHEMA` table (``ts`` UTC)."""
    rows = list(contacts)
    cols: dict[str, list[object]] = {f.name: [] for f in CONTACT_SCHEMA}
    for c in rows:
        cols["ts"].append(c.ts_us)
        for name in CONTACT_SCHEMA.names[1:]:
            cols[name].append(getattr(c, name))
    arrays = [pa.array(cols[f.name], type=pa.int64() if f.name == "ts" else f.type) for f in CONTACT_SCHEMA]
    arrays[0] = arrays[0].cast(_TS)
    return pa.Table.from_arrays(arrays, schema=CONTACT_SCHEMA)


_SENTENCE = re.compile(r"^[$!](?P<talker>[A-Z]{2})(?P<type>[A-Z]{3}),(?P<body>[^*]*)\*(?P<cs>[0-9A-Fa-f]{2})$")


def _checksum(text: str) -> int:
    return reduce(xor, text.encode("ascii", "replace"), 0)


def _float(text: str) -> float | None:
    """A numeric field, None when empty; ValueError when not a number."""
    return float(text) if text else None


def _hms_seconds(text: str) -> float | None:
    """``hhmmss[.ss]`` → seconds of the day, None when empty; ValueError when malformed."""
    if not text:
        return None
    if len(text) < 6 or not text[:6].isdigit():
        raise ValueError(text)
    h, m, s = int(text[0:2]), int(text[2:4]), float(text[4:])
    if h > 23 or m > 59 or s >= 61:
        raise ValueError(text)
    return h * 3600 + m * 60 + s


def _latlon(value: str, hemi: str, degree_digits: int) -> float:
    """NMEA ``ddmm.mmm`` / ``dddmm.mmm`` with its hemisphere → signed degrees."""
    if len(value) < degree_digits + 2 or hemi not in ("N", "S", "E", "W"):
        raise ValueError(value)
    deg = int(value[:degree_digits]) + float(value[degree_digits:]) / 60.0
    limit = 90.0 if degree_digits == 2 else 180.0
    if deg > limit:
        raise ValueError(value)
    return -deg if hemi in ("S", "W") else deg


def _ellipse(range_m: float, bearing_deg: float, own_sigma_m: float) -> tuple[float, float, float]:
    """1-sigma (major, minor, orientation) of a tracked range/bearing position (module docstring)."""
    s_range = max(RANGE_FLOOR_M, RANGE_FRACTION * range_m) / 2.0
    s_cross = range_m * math.radians(BEARING_MAX_DEG / 2.0)
    s_range = math.hypot(s_range, own_sigma_m)
    s_cross = math.hypot(s_cross, own_sigma_m)
    if s_range >= s_cross:
        return s_range, s_cross, bearing_deg % 360.0
    return s_cross, s_range, (bearing_deg + 90.0) % 360.0


class _Bad(Exception):
    """A line is bad; the message is the reason."""


@dataclass(slots=True)
class RadarDecoder:
    """Stateful decoder of one radar's sentence stream (a file or a feed, in arrival order).

    ``sensor_id`` names the radar; ``station`` is its fixed (lat, lon) in degrees when it is
    a shore station (own-position sentences in the stream override it: a ship's radar).
    ``own_sigma_m`` is the 1-sigma error of the radar's own position (10 m GNSS default; give
    0 for a surveyed station). ``date_us`` is the UTC midnight (microseconds) of the data
    when no ``RMC``/``ZDA`` in the stream gives the date.
    """

    sensor_id: str
    station: tuple[float, float] | None = None
    own_sigma_m: float = OWN_SIGMA_M
    date_us: int | None = None
    _own: tuple[float, float] | None = None
    _heading: float | None = None
    _own_course: float | None = None
    _own_speed_kn: float | None = None
    _scale_m: float | None = None
    _labels: dict[int, str] = field(default_factory=dict)

    def feed(self, line: str, line_no: int = 0, receive_time_us: int | None = None) -> Contact | Reject | None:
        """Decode one line: a contact, a reject, or None (a state update or another sentence).

        ``receive_time_us`` is the line's arrival time (a tag block's or the source's), used
        when a target sentence has no UTC field, and for its date when no date is known.
        """
        text = line.strip()
        if text.startswith("\\"):
            end = text.find("\\", 1)
            if end < 0:
                return Reject(line_no, line, "malformed_tagblock")
            tag, text = text[1:end], text[end + 1 :]
            tag_time = _tag_time(tag)
            if tag_time == -1:
                return Reject(line_no, line, "tagblock_checksum")
            receive_time_us = tag_time if tag_time is not None else receive_time_us
        m = _SENTENCE.match(text)
        if m is None:
            if re.match(r"^\$[A-Z]{2}(TTM|TLL|TLB|OSD|RSD),", text):
                return Reject(line_no, line, "malformed_sentence")
            return None
        kind = m["type"]
        if kind not in _HANDLERS:
            return None
        if int(m["cs"], 16) != _checksum(text[1 : text.rfind("*")]):
            return Reject(line_no, line, "checksum")
        fields = m["body"].split(",")
        try:
            return _HANDLERS[kind](self, fields, line_no, receive_time_us)
        except _Bad as exc:
            return Reject(line_no, line, str(exc))
        except (ValueError, IndexError):
            return Reject(line_no, line, "bad_field")

    # -- state sentences ---------------------------------------------------------------
    def _gga(self, f: list[str], line_no: int, rt: int | None) -> None:
        if len(f) > 5 and f[1] and f[3] and f[5] not in ("", "0"):
            self._own = (_latlon(f[1], f[2], 2), _latlon(f[3], f[4], 3))
        return None

    def _gll(self, f: list[str], line_no: int, rt: int | None) -> None:
        if len(f) > 5 and f[0] and f[2] and f[5] == "A":
            self._own = (_latlon(f[0], f[1], 2), _latlon(f[2], f[3], 3))
        return None

    def _rmc(self, f: list[str], line_no: int, rt: int | None) -> None:
        if len(f) > 8 and f[1] == "A" and f[2] and f[4]:
            self._own = (_latlon(f[2], f[3], 2), _latlon(f[4], f[5], 3))
        if len(f) > 8 and len(f[8]) == 6 and f[8].isdigit():
            d, mo, y = int(f[8][0:2]), int(f[8][2:4]), 2000 + int(f[8][4:6])
            self.date_us = calendar.timegm((y, mo, d, 0, 0, 0)) * 1_000_000
        return None

    def _zda(self, f: list[str], line_no: int, rt: int | None) -> None:
        if len(f) > 3 and f[1] and f[2] and f[3]:
            self.date_us = calendar.timegm((int(f[3]), int(f[2]), int(f[1]), 0, 0, 0)) * 1_000_000
        return None

    def _osd(self, f: list[str], line_no: int, rt: int | None) -> None:
        if len(f) < 9:
            raise _Bad("malformed_sentence")
        if f[0] and f[1] == "A":
            self._heading = float(f[0])
        self._own_course = _float(f[2])
        speed = _float(f[4])
        self._own_speed_kn = None if speed is None else speed * _UNIT_KM.get(f[8] or "N", NM_KM) / NM_KM
        return None

    def _hdt(self, f: list[str], line_no: int, rt: int | None) -> None:
        if f and f[0]:
            self._heading = float(f[0])
        return None

    def _rsd(self, f: list[str], line_no: int, rt: int | None) -> None:
        if len(f) < 13:
            raise _Bad("malformed_sentence")
        scale = _float(f[10])
        if scale is not None and f[11] in _UNIT_KM:
            self._scale_m = scale * _UNIT_KM[f[11]] * 1000.0
        return None

    def _tlb(self, f: list[str], line_no: int, rt: int | None) -> None:
        if len(f) % 2:
            raise _Bad("malformed_sentence")
        for number, label in zip(f[0::2], f[1::2]):
            if number:
                self._labels[int(number)] = label
        return None

    # -- targets ---------------------------------------------------------------------
    def _time(self, hms: str, rt: int | None) -> int:
        """UTC microseconds of a target: its ``hhmmss`` on the known date, else arrival time."""
        sec = _hms_seconds(hms)
        if sec is None:
            if rt is None:
                raise _Bad("no_time")
            return rt
        day = self.date_us
        if day is None:
            if rt is None:
                raise _Bad("no_time")
            day = rt - rt % 86_400_000_000
            ts = day + round(sec * 1e6)
            # the arrival time and the sentence's clock straddle midnight
            if ts - rt > 43_200_000_000:
                ts -= 86_400_000_000
            elif rt - ts > 43_200_000_000:
                ts += 86_400_000_000
            return ts
        return day + round(sec * 1e6)

    def _position(self) -> tuple[float, float]:
        own = self._own if self._own is not None else self.station
        if own is None:
            raise _Bad("no_position")
        return own

    def _ttm(self, f: list[str], line_no: int, rt: int | None) -> Contact | None:
        if len(f) < 13:
            raise _Bad("malformed_sentence")
        number = int(f[0])
        status = f[11] or None
        if status == "L":
            return None  # a lost target: its last position is not a new observation
        dist, bearing = float(f[1]), float(f[2])
        km_per_unit = _UNIT_KM.get(f[9] or "N")
        if km_per_unit is None or f[3] not in ("T", "R", "") or dist < 0:
            raise _Bad("bad_field")
        if f[3] == "R":
            if self._heading is None:
                raise _Bad("no_heading")
            bearing += self._heading
        lat0, lon0 = self._position()
        range_km = dist * km_per_unit
        lat, lon = destination(lat0, lon0, bearing % 360.0, range_km)
        speed = _float(f[4])
        course = _float(f[5])
        speed_kn = None if speed is None else speed * km_per_unit / NM_KM
        if f[6] == "R":
            speed_kn, course = self._true_motion(speed_kn, course)
        ts = self._time(f[13] if len(f) > 13 else "", rt)
        major, minor, orient = _ellipse(range_km * 1000.0, bearing, self.own_sigma_m)
        return Contact(
            ts_us=ts,
            lat=float(lat),
            lon=float(lon),
            source_kind="radar",
            sensor_id=self.sensor_id,
            sigma_major_m=major,
            sigma_minor_m=minor,
            orientation_deg=orient,
            track_id=f"{self.sensor_id}:{number}",
            speed_kn=speed_kn,
            course_deg=None if course is None else course % 360.0,
            name=f[10] or self._labels.get(number) or None,
            status=status,
            line_no=line_no,
        )

    def _true_motion(self, speed_kn: float | None, course: float | None) -> tuple[float | None, float | None]:
        """Relative speed/course + own course/speed → true (None when own motion is unknown)."""
        if speed_kn is None or course is None or self._own_course is None or self._own_speed_kn is None:
            return None, None
        e = speed_kn * math.sin(math.radians(course)) + self._own_speed_kn * math.sin(math.radians(self._own_course))
        n = speed_kn * math.cos(math.radians(course)) + self._own_speed_kn * math.cos(math.radians(self._own_course))
        return math.hypot(e, n), math.degrees(math.atan2(e, n)) % 360.0

    def _tll(self, f: list[str], line_no: int, rt: int | None) -> Contact | None:
        if len(f) < 8:
            raise _Bad("malformed_sentence")
        status = f[7] or None
        if status == "L":
            return None
        number = int(f[0]) if f[0] else 0
        lat, lon = _latlon(f[1], f[2], 2), _latlon(f[3], f[4], 3)
        ts = self._time(f[6], rt)
        own = self._own if self._own is not None else self.station
        if own is not None:
            rng_m = float(haversine_km(own[0], own[1], lat, lon)) * 1000.0
            brg = float(bearing_deg(own[0], own[1], lat, lon))
            major, minor, orient = _ellipse(rng_m, brg, self.own_sigma_m)
        else:
            major = minor = TLL_SIGMA_M
            orient = 0.0
        return Contact(
            ts_us=ts,
            lat=lat,
            lon=lon,
            source_kind="radar",
            sensor_id=self.sensor_id,
            sigma_major_m=major,
            sigma_minor_m=minor,
            orientation_deg=orient,
            track_id=f"{self.sensor_id}:{number}",
            name=f[5] or self._labels.get(number) or None,
            status=status,
            line_no=line_no,
        )


def _tag_time(tag: str) -> int | None:
    """A tag block's ``c:`` time in microseconds; None when absent; -1 when the checksum fails."""
    star = tag.rfind("*")
    if star < 0 or int(tag[star + 1 : star + 3] or "0", 16) != _checksum(tag[:star]):
        return -1
    for item in tag[:star].split(","):
        if item.startswith("c:") and item[2:].isdigit():
            value = int(item[2:])
            return value * 1000 if len(item) - 2 >= 12 else value * 1_000_000
    return None


_HANDLERS = {
    "TTM": RadarDecoder._ttm,
    "TLL": RadarDecoder._tll,
    "TLB": RadarDecoder._tlb,
    "OSD": RadarDecoder._osd,
    "RSD": RadarDecoder._rsd,
    "GGA": RadarDecoder._gga,
    "GLL": RadarDecoder._gll,
    "RMC": RadarDecoder._rmc,
    "ZDA": RadarDecoder._zda,
    "HDT": RadarDecoder._hdt,
}


def decode_radar(
    lines: Iterable[str],
    sensor_id: str,
    station: tuple[float, float] | None = None,
    date_us: int | None = None,
    own_sigma_m: float = OWN_SIGMA_M,
) -> tuple[list[Contact], list[Reject]]:
    """Decode a stream of lines (radar sentences mixed with anything else) in order.

    Returns the contacts and the rejected lines with their reasons; lines that are neither
    (AIS, other NMEA, blanks) are skipped. See :class:`RadarDecoder` for the arguments.
    """
    decoder = RadarDecoder(sensor_id, station=station, own_sigma_m=own_sigma_m, date_us=date_us)
    contacts: list[Contact] = []
    rejects: list[Reject] = []
    for line_no, line in enumerate(lines, 1):
        out = decoder.feed(line, line_no)
        if isinstance(out, Contact):
            contacts.append(out)
        elif isinstance(out, Reject):
            rejects.append(out)
    return contacts, rejects
