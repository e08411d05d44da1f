"""Contacts in ingest: radar sentences of mixed NMEA streams, and detection files.

* :class:`RadarRouter` reads the radar lines of a chunk that the AIS decoder also reads
  (:mod:`maritime.decode.routing` says which), one :class:`~maritime.decode.radar.RadarDecoder`
  per sensor. A line's sensor is its tag block's ``s:``, else the default radar (the one of
  ``--radar-origin``, or the only radar of ``--sensors FILE``). The sensor's fixed position
  comes from the sensors file or ``--radar-origin``; a radar without one (on a ship) is placed
  from the stream's own ``GGA``/``GLL``/``RMC``. A target line without a time of its own takes
  its tag block's ``c:``, else the latest tag-block time before it in the stream, else the
  arrival time (live), else ``--start``.
* :func:`detection_format` and :func:`read_detection_text` recognise and read SAR/optical
  detection files (CSV in GFW's layout, GeoJSON) by their content.

Bad radar lines are rejects with reason ``radar_<reason>`` (``radar_checksum``,
``radar_no_position`` …), counted as ``rejected_radar_<reason>``. Radar lines are taken out
of the AIS decoder's ``skipped_non_ais`` count and counted as ``radar_sentences``.

Limit: the radar decoders' state (own position, labels, date) is not part of a file's
checkpoint; a resumed file takes it up again from the next own-position sentence. A fixed
station's position never needs it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from maritime.decode.detections import (
    DetectionBatch,
    DetectionFormatError,
    read_detections_csv,
    read_detections_geojson,
)
from maritime.decode.radar import Contact, RadarDecoder, Reject
from maritime.decode.routing import AIS, OWN_SHIP, RADAR, route, split_lines, tag_of
from maritime.decode.sensors import DEFAULT_RADAR_ID, Sensor
from maritime.records import REJECT_SCHEMA

_ANY_RADAR = re.compile(rb"[$!][A-Z0-9]{2}(?:TTM|TLL|TLB|OSD|RSD),")
#: Header names that only a detection CSV has (an AIS CSV has an MMSI column).
_DETECTION_ONLY = (b"detect_lat", b"detect_lon", b"detect_timestamp", b"detect_id", b"presence", b"scene_id")


@dataclass(slots=True)
class ContactOptions:
    """Sensors known to this ingest (by id), the default radar's fixed position, and the
    source kind of detection files (``sar``, ``optical`` or ``viirs``)."""

    sensors: Mapping[str, Sensor] = field(default_factory=dict)
    origin: tuple[float, float] | None = None
    detections_kind: str = "sar"

    def default_radar(self) -> str:
        """The sensor id of radar lines that name none."""
        if self.origin is None:
            radars = [s.sensor_id for s in self.sensors.values() if s.kind == "radar"]
            if len(radars) == 1:
                return radars[0]
        return DEFAULT_RADAR_ID

    def station(self, sensor_id: str) -> tuple[float, float] | None:
        """A radar's fixed position, None for a ship's radar."""
        known = self.sensors.get(sensor_id)
        if known is not None and known.position is not None:
            return known.position
        if sensor_id == self.default_radar():
            return self.origin
        return None

    def all_sensors(self) -> list[Sensor]:
        """The sensors to record in the ``sensors`` table (the default radar included)."""
        out = dict(self.sensors)
        if self.origin is not None and DEFAULT_RADAR_ID not in out:
            out[DEFAULT_RADAR_ID] = Sensor(DEFAULT_RADAR_ID, "radar", self.origin[0], self.origin[1])
        return list(out.values())


@dataclass(slots=True)
class RadarChunk:
    """The radar part of one chunk: contacts, rejects (``REJECT_SCHEMA``) and counters."""

    contacts: list[Contact] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    def reject_table(self) -> pa.Table:
        return pa.table(
            {
                "line_no": [r.line_no for r in self.rejects],
                "raw": [r.raw for r in self.rejects],
                "reason": [f"radar_{r.reason}" for r in self.rejects],
            },
            schema=REJECT_SCHEMA,
        )


class RadarRouter:
    """The radar decoders of one stream (a file or a feed), fed chunk by chunk in order."""

    def __init__(self, options: ContactOptions, start_time_us: int | None = None) -> None:
        self.options = options
        self.start_time_us = start_time_us
        self.decoders: dict[str, RadarDecoder] = {}
        self.last_time_us: int | None = None

    def _decoder(self, sensor_id: str) -> RadarDecoder:
        dec = self.decoders.get(sensor_id)
        if dec is None:
            station = self.options.station(sensor_id)
            dec = RadarDecoder(sensor_id, station=station, own_sigma_m=0.0 if station is not None else 10.0)
            self.decoders[sensor_id] = dec
        return dec

    def decode(self, data: bytes, first_line_no: int, arrival_us: npt.NDArray[np.int64] | None = None) -> RadarChunk:
        """The contacts and rejects of the radar lines in ``data`` (whole lines)."""
        out = RadarChunk()
        if _ANY_RADAR.search(data) is None:
            self._remember_time(data)
            return out
        default = self.options.default_radar()
        for k, line in enumerate(split_lines(data)):
            tag = tag_of(line) if line[:1] == b"\\" else None
            if tag is not None and tag.time_us is not None:
                self.last_time_us = tag.time_us
            kind = route(line)
            if kind == AIS:
                continue
            sensor = (tag.station if tag is not None else None) or default
            if kind == OWN_SHIP and self.options.station(sensor) is not None:
                continue  # a fixed station: the stream's GPS is the AIS receiver's
            arrival = int(arrival_us[k]) if arrival_us is not None and k < arrival_us.size else None
            rt = self.last_time_us if self.last_time_us is not None else arrival
            rt = rt if rt is not None else self.start_time_us
            result = self._decoder(sensor).feed(line.decode("ascii", "replace"), first_line_no + k, rt)
            if kind == RADAR:
                out.counts["radar_sentences"] += 1
            if isinstance(result, Contact):
                out.contacts.append(result)
            elif isinstance(result, Reject):
                out.rejects.append(result)
                out.counts[f"rejected_radar_{result.reason}"] += 1
        out.counts["contacts_decoded"] += len(out.contacts)
        return out

    def _remember_time(self, data: bytes) -> None:
        """Keep the stream's latest tag-block time from a chunk without radar lines."""
        end = len(data)
        while end > 0:
            start = data.rfind(b"\n", 0, end - 1) + 1
            line = data[start:end].strip()
            if line[:1] == b"\\":
                t = tag_of(line).time_us
                if t is not None:
                    self.last_time_us = t
                    return
            end = start
            if len(data) - end > 65536:
                return  # no tag block near the end: the stream has none


def merge_radar(counts: Counter[str], radar: RadarChunk) -> None:
    """Add a chunk's radar counters to the AIS decoder's (radar lines were counted as non-AIS)."""
    counts.update(radar.counts)
    routed = radar.counts["radar_sentences"]
    if routed and counts["skipped_non_ais"]:
        counts["skipped_non_ais"] -= min(routed, counts["skipped_non_ais"])


def detection_format(head: bytes) -> str | None:
    """``"geojson"`` or ``"detections_csv"`` when the first bytes are a detection file, else None."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] == b"{":
        return "geojson"
    first = text.split(b"\n", 1)[0].lower()
    names = [n.strip().strip(b'"') for n in first.split(b",")]
    if len(names) >= 3 and b"mmsi" not in names and any(n in _DETECTION_ONLY for n in names):
        return "detections_csv"
    return None


def read_detection_text(text: str, fmt: str, kind: str) -> DetectionBatch:
    """A detection file's text → contacts, footprints and rejects (``DetectionFormatError`` when
    it lacks what every row needs)."""
    if fmt == "geojson":
        return read_detections_geojson(text, source_kind=kind, sensor_id=kind)
    if fmt == "detections_csv":
        return read_detections_csv(text, source_kind=kind, sensor_id=kind)
    raise DetectionFormatError(f"unknown detection format {fmt!r}")


def detection_counts(batch: DetectionBatch) -> Counter[str]:
    """The counters of a detection file: rows read, contacts, scenes, rejects by reason."""
    counts: Counter[str] = Counter(
        lines_read=len(batch.contacts) + len(batch.rejects),
        contacts_decoded=len(batch.contacts),
        scenes=len(batch.footprints),
    )
    for r in batch.rejects:
        counts[f"rejected_detection_{r.reason}"] += 1
    return counts


def detection_rejects(batch: DetectionBatch) -> pa.Table:
    """The bad rows of a detection file as ``rejects`` rows (reason ``detection_<reason>``)."""
    return pa.table(
        {
            "line_no": [r.line_no for r in batch.rejects],
            "raw": [r.raw for r in batch.rejects],
            "reason": [f"detection_{r.reason}" for r in batch.rejects],
        },
        schema=REJECT_SCHEMA,
    )
