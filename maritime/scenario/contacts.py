"""A radar and satellite scenario with ground truth (a developer tool for tests and benchmarks).

Off Tumaco, in the Colombia-Ecuador border waters patrol zone, for ``hours`` from
2025-03-01T00:00Z (seeded: the same seed writes the same files):

* a coastal radar ``RADAR-TUMACO`` (station position in ``sensors.toml``, 40 km range) whose
  ARPA tracker writes one ``$RATTM`` per tracked target per scan (``scan_s``), range/bearing
  with the IMO MSC.192(79) 5.25.4.7.1 error (50 m or 1 % of range and 2 degrees at 95 %),
  mixed with the AIS lines (``!AIVDM`` types 1 and 5, tag blocks) in ``mixed.nmea``;
* two Sentinel-1-like passes (``detections.csv`` in GFW's layout with ``footprint_wkt``,
  and the same footprints in ``scenes.geojson``), 100 m position error, length estimates
  within ~20 %, detection probability rising with length (15 m: 0.5; 30 m: 0.95);
* AIS traffic crossing the area (cargo, tankers, fishing boats, small boats under 15 m that
  the sensors often miss);
* vessels without AIS: a go-fast run at 35 kn, a semi-submersible at 6 kn (low radar
  cross-section: seen in 40 % of scans), and a dark boat that meets a slow AIS fishing vessel
  for an hour (``dark_rendezvous``);
* an AIS vessel that switches its transponder off under radar cover (the radar track keeps
  its identity);
* a spoofed AIS track: the ship's AIS reports a course 15 km from where the radar sees it
  (``ais_unconfirmed`` for the MMSI, ``dark_vessel`` for the radar track);
* noise: radar misses (p per scan), short clutter tracks (false alarms), satellite false
  alarms and misses, position errors.

``truth.json`` holds the MMSI (or null) of every radar track and satellite detection, and
the expected events by kind.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from maritime.geodesy import NM_KM, bearing_deg, destination, haversine_km
from maritime.scenario.payloads import Field, nmea_checksum, pack_sixbit, payload_strings, text_codes

START = 1740787200  # 2025-03-01T00:00:00Z
RADAR_ID = "RADAR-TUMACO"
RADAR_POS = (1.83, -78.80)
RADAR_RANGE_KM = 40.0
CENTRE = (1.80, -79.05)
F = npt.NDArray[np.float64]


@dataclass
class Boat:
    """One vessel: position every second of the scenario (``lat``/``lon``), what it is."""

    name: str
    mmsi: int | None  # None: no AIS
    length_m: float
    lat: F
    lon: F
    sog: F
    cog: F
    ais_on: npt.NDArray[np.bool_]
    radar_p: float = 0.9  # per-scan detection probability
    spoof_dlat: float = 0.0  # AIS reports this far off (degrees) where spoofing
    labels: list[str] = field(default_factory=list)


def _path(rng: np.random.Generator, n: int, lat0: float, lon0: float, kn: float, course: float) -> tuple[F, F, F, F]:
    """A straight run with small course wander, one position a second."""
    cog = (course + np.cumsum(rng.normal(0.0, 0.02, n))) % 360.0
    step_km = kn * NM_KM / 3600.0
    lat = np.empty(n)
    lon = np.empty(n)
    lat[0], lon[0] = lat0, lon0
    # integrate with 60 s steps, then interpolate (fast enough for a scenario)
    idx = np.arange(0, n, 60)
    la, lo = lat0, lon0
    pts_lat, pts_lon = [la], [lo]
    for k in idx[1:]:
        la, lo = (float(v) for v in destination(la, lo, float(cog[k]), step_km * 60.0))
        pts_lat.append(la)
        pts_lon.append(lo)
    lat = np.interp(np.arange(n), idx, np.array(pts_lat))
    lon = np.interp(np.arange(n), idx, np.array(pts_lon))
    return lat, lon, np.full(n, kn), cog


def build_boats(seed: int, hours: float) -> list[Boat]:
    """The scenario's vessels (see the module docstring)."""
    rng = np.random.default_rng(seed)
    n = int(hours * 3600)
    on = np.ones(n, dtype=bool)
    boats: list[Boat] = []
    mmsi = 730_000_000 + int(rng.integers(0, 100_000)) * 10
    for k in range(18):
        kind = k % 3
        length = [180.0, 60.0, 11.0][kind] * float(rng.uniform(0.7, 1.2))
        kn = [13.0, 9.0, 7.0][kind] * float(rng.uniform(0.7, 1.2))
        d = float(rng.uniform(0, 30))
        b = float(rng.uniform(0, 360))
        la, lo = (float(v) for v in destination(CENTRE[0], CENTRE[1], b, d))
        lat, lon, sog, cog = _path(rng, n, la, lo, kn, float(rng.uniform(0, 360)))
        boats.append(
            Boat(f"ais-{k}", mmsi + k, length, lat, lon, sog, cog, on.copy(), radar_p=0.9 if length >= 15 else 0.5)
        )
    # go-fast run: enters the radar area an hour in, 35 kn to the north-west
    s = 3600
    lat, lon, sog, cog = _path(rng, n - s, 1.60, -78.95, 35.0, 330.0)
    boats.append(_late("go-fast", None, 12.0, lat, lon, sog, cog, n, s, 0.8, ["dark"]))
    # semi-submersible: 6 kn, seen in 40 % of scans
    lat, lon, sog, cog = _path(rng, n, 1.70, -79.20, 6.0, 20.0)
    boats.append(Boat("semi-submersible", None, 20.0, lat, lon, sog, cog, np.zeros(n, bool), 0.4, labels=["dark"]))
    # a slow AIS fishing vessel, met by a dark boat for an hour from 1 h 30
    lat, lon, sog, cog = _path(rng, n, 1.90, -79.00, 0.8, 90.0)
    fisher = Boat("fisher", mmsi + 50, 24.0, lat, lon, sog, cog, on.copy(), 0.9, labels=["rendezvous_ais"])
    boats.append(fisher)
    meet0, meet1 = 5400, 9000
    dlat = np.interp(
        np.arange(n), [0, meet0 - 1800, meet0, meet1, meet1 + 1800, n], [0.15, 0.15, 0.0015, 0.0015, -0.2, -0.2]
    )
    dark_lat = fisher.lat + dlat
    dark_lon = fisher.lon + 0.001
    vel = np.gradient(dark_lat) * 111.2 * 3600 / NM_KM
    boats.append(
        Boat(
            "dark-meeter",
            None,
            14.0,
            dark_lat,
            dark_lon,
            np.abs(vel),
            np.where(vel >= 0, 0.0, 180.0),
            np.zeros(n, bool),
            0.9,
            labels=["dark", "rendezvous_dark"],
        )
    )
    # AIS switched off under radar cover after 1 h
    lat, lon, sog, cog = _path(rng, n, 1.95, -78.95, 10.0, 200.0)
    off = on.copy()
    off[3600:] = False
    boats.append(Boat("switch-off", mmsi + 60, 45.0, lat, lon, sog, cog, off, 0.9, labels=["switch_off"]))
    # spoofed: AIS reports 15 km north of where the ship is
    lat, lon, sog, cog = _path(rng, n, 1.68, -78.92, 8.0, 100.0)
    boats.append(Boat("spoofed", mmsi + 70, 70.0, lat, lon, sog, cog, on.copy(), 0.9, 0.135, ["spoofed"]))
    return boats


def _late(
    name: str,
    mmsi: int | None,
    length: float,
    lat: F,
    lon: F,
    sog: F,
    cog: F,
    n: int,
    s: int,
    p: float,
    labels: list[str],
) -> Boat:
    """A boat present only from second ``s`` (NaN before)."""
    pad = np.full(s, np.nan)
    return Boat(
        name,
        mmsi,
        length,
        np.concatenate([pad, lat]),
        np.concatenate([pad, lon]),
        np.concatenate([pad, sog]),
        np.concatenate([pad, cog]),
        np.zeros(n, bool),
        p,
        labels=labels,
    )


# -- AIS -------------------------------------------------------------------------------------------


def _tag(station: str, t: int) -> str:
    body = f"s:{station},c:{t}"
    return f"\\{body}*{nmea_checksum(body):02X}\\"


def _sentence(body: str, lead: str = "!") -> str:
    return f"{lead}{body}*{nmea_checksum(body):02X}"


def _type1(mmsi: int, lat: F, lon: F, sog: F, cog: F, second: npt.NDArray[np.int64]) -> list[str]:
    """Type 1 position reports of one vessel, one sentence per report (vectorised)."""
    n = lat.size
    fields = [
        (1, 6), (0, 2), (mmsi, 30), (0, 4), (-128, 8), (np.rint(np.minimum(sog, 102.2) * 10).astype(np.int64), 10),
        (0, 1), (np.rint(lon * 600000).astype(np.int64), 28), (np.rint(lat * 600000).astype(np.int64), 27),
        (np.rint(cog * 10).astype(np.int64) % 3600, 12), (511, 9), (second % 60, 6), (0, 2), (0, 3), (0, 1), (0, 19),
    ]  # fmt: skip
    chars, fill = pack_sixbit(fields, n)
    return [_sentence(f"AIVDM,1,1,,A,{p},{fill}") for p in payload_strings(chars)]


def _type5(mmsi: int, name: str, length: float, seq: int) -> list[str]:
    bow = int(length * 0.6)
    fields: list[Field] = [
        (5, 6), (0, 2), (mmsi, 30), (0, 2), (0, 30), (np.array([text_codes("X" + str(mmsi)[-5:], 7)]), 6),
        (np.array([text_codes(name, 20)]), 6), (70, 8), (bow, 9), (int(length) - bow, 9), (5, 6), (5, 6),
        (1, 4), (3, 4), (1, 5), (0, 5), (0, 6), (50, 8), (np.array([text_codes("TUMACO", 20)]), 6), (0, 1), (0, 1),
    ]  # fmt: skip
    chars, fill = pack_sixbit(fields, 1)
    p = payload_strings(chars)[0]
    return [_sentence(f"AIVDM,2,1,{seq},A,{p[:60]},0"), _sentence(f"AIVDM,2,2,{seq},A,{p[60:]},{fill}")]


# -- radar -------------------------------------------------------------------------------------------


def _ttm(number: int, range_nm: float, bearing: float, kn: float, course: float, t: int) -> str:
    hms = f"{(t // 3600) % 24:02d}{(t // 60) % 60:02d}{t % 60:02d}.00"
    body = f"RATTM,{number:02d},{range_nm:.3f},{bearing:.1f},T,{kn:.1f},{course:.1f},T,,,N,,T,,{hms},A"
    return _sentence(body, "$")


def _radar_error(rng: np.random.Generator, range_km: float) -> tuple[float, float]:
    """Range (km) and bearing (deg) errors, 1 sigma = half the MSC.192(79) 95 % bounds."""
    return float(rng.normal(0.0, max(0.05, 0.01 * range_km) / 2.0)), float(rng.normal(0.0, 1.0))


def write_scenario(out_dir: str | Path, seed: int = 1, hours: float = 4.0, scan_s: int = 10) -> dict[str, Any]:
    """Write ``mixed.nmea``, ``detections.csv``, ``scenes.geojson``, ``sensors.toml`` and
    ``truth.json`` into ``out_dir``; returns the truth."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed + 1000)
    boats = build_boats(seed, hours)
    n = int(hours * 3600)
    lines: list[tuple[int, int, str]] = []  # (time, order, line)
    truth: dict[str, Any] = {"tracks": {}, "detections": {}, "labels": {}}
    seq = 0
    for b in boats:
        truth["labels"][b.name] = {"mmsi": b.mmsi, "labels": b.labels, "length_m": b.length_m}
        if b.mmsi is None:
            continue
        offset = int(rng.integers(0, 30))
        ts_all = np.arange(offset, n, 30)
        ts_all = ts_all[b.ais_on[ts_all] & ~np.isnan(b.lat[ts_all])]
        sentences = _type1(
            b.mmsi, b.lat[ts_all] + b.spoof_dlat, b.lon[ts_all], b.sog[ts_all], b.cog[ts_all], START + ts_all
        )
        for t, line in zip(ts_all.tolist(), sentences):
            ts = START + t
            lines.append((ts, 0, _tag("rTUMACO", ts) + line))
            if (t - offset) % 360 == 0:
                seq = seq % 9 + 1
                p1, p2 = _type5(b.mmsi, b.name, b.length_m, seq)
                # both parts as one entry: the sort keeps them on consecutive lines
                lines.append((ts, 1, _tag("rTUMACO", ts) + p1 + "\n" + _tag("rTUMACO", ts) + p2))
    _radar(rng, boats, n, scan_s, lines, truth)
    lines.sort(key=lambda x: (x[0], x[1]))
    (out / "mixed.nmea").write_text("\n".join(x[2] for x in lines) + "\n")
    _satellite(rng, boats, hours, out, truth)
    (out / "sensors.toml").write_text(
        f'[[sensor]]\nid = "{RADAR_ID}"\nkind = "radar"\nlat = {RADAR_POS[0]}\nlon = {RADAR_POS[1]}\n'
        f"range_km = {RADAR_RANGE_KM}\nmin_length_m = 15.0\np_detect = 0.9\n\n"
        '[[sensor]]\nid = "sar"\nkind = "sar"\nmin_length_m = 15.0\np_detect = 0.9\n'
    )
    (out / "truth.json").write_text(json.dumps(truth, indent=1, sort_keys=True))
    return truth


def _radar(
    rng: np.random.Generator,
    boats: list[Boat],
    n: int,
    scan_s: int,
    lines: list[tuple[int, int, str]],
    truth: dict[str, Any],
) -> None:
    number = 0
    for b in boats:
        ok = ~np.isnan(b.lat)
        rng_km = np.where(ok, haversine_km(RADAR_POS[0], RADAR_POS[1], np.nan_to_num(b.lat), np.nan_to_num(b.lon)), 1e9)
        inside = ok & (rng_km <= RADAR_RANGE_KM)
        if not inside.any():
            continue
        number += 1
        tid = f"{RADAR_ID}:{number}"
        expect_match = b.mmsi is not None and not b.spoof_dlat
        truth["tracks"][tid] = {"boat": b.name, "mmsi": b.mmsi if expect_match else None, "labels": b.labels}
        for t in range(0, n, scan_s):
            if not inside[t] or rng.random() > b.radar_p:
                continue
            dr, db = _radar_error(rng, float(rng_km[t]))
            brg = float(bearing_deg(RADAR_POS[0], RADAR_POS[1], b.lat[t], b.lon[t]))
            kn = float(b.sog[t]) + float(rng.normal(0, 0.5))
            crs = float(b.cog[t]) + float(rng.normal(0, 5.0))
            line = _ttm(
                number, (float(rng_km[t]) + dr) / NM_KM, (brg + db) % 360.0, max(kn, 0.0), crs % 360.0, START + t
            )
            lines.append((START + t, 3, _tag(RADAR_ID, START + t) + line))
    # clutter: short tracks of 1-3 scans at random places in range
    for _ in range(int(n / 600)):
        number += 1
        t0 = int(rng.integers(0, n - 60)) // scan_s * scan_s
        d, brg = float(rng.uniform(3, RADAR_RANGE_KM)), float(rng.uniform(0, 360))
        truth["tracks"][f"{RADAR_ID}:{number}"] = {"boat": "clutter", "mmsi": None, "labels": ["clutter"]}
        for k in range(int(rng.integers(1, 4))):
            t = t0 + k * scan_s
            lines.append((START + t, 3, _tag(RADAR_ID, START + t) + _ttm(number, d / NM_KM, brg, 0.5, 0.0, START + t)))


def _satellite(rng: np.random.Generator, boats: list[Boat], hours: float, out: Path, truth: dict[str, Any]) -> None:
    rows = ["detect_timestamp,detect_lat,detect_lon,length_m,presence,scene_id,detect_id,footprint_wkt"]
    features = []
    for k, frac in enumerate((0.3, 0.75)):
        t = int(hours * 3600 * frac)
        scene = f"S1-{k + 1}"
        la0, la1, lo0, lo1 = CENTRE[0] - 0.35, CENTRE[0] + 0.35, CENTRE[1] - 0.35, CENTRE[1] + 0.3
        wkt = f"POLYGON (({lo0} {la0}, {lo1} {la0}, {lo1} {la1}, {lo0} {la1}, {lo0} {la0}))"
        iso = _iso(START + t)
        features.append(
            {
                "type": "Feature",
                "properties": {"scene_id": scene, "timestamp": iso, "sensor_id": "sar"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[lo0, la0], [lo1, la0], [lo1, la1], [lo0, la1], [lo0, la0]]],
                },
            }
        )
        j = 0
        for b in boats:
            la, lo = b.lat[t], b.lon[t]
            if math.isnan(la) or not (la0 < la < la1 and lo0 < lo < lo1):
                continue
            p = 1.0 / (1.0 + math.exp(-(b.length_m - 15.0) / 5.0))
            if rng.random() > p:
                continue
            j += 1
            did = f"{scene}-{j}"
            e_la, e_lo = rng.normal(0, 100.0 / 111_200.0, 2)
            length = b.length_m * float(rng.normal(1.0, 0.2))
            rows.append(
                f'{iso},{la + e_la:.6f},{lo + e_lo:.6f},{length:.1f},{rng.uniform(0.7, 1.0):.3f},{scene},{did},"{wkt}"'
            )
            # a vessel silent for up to 2 h is still the vessel it was (the prediction's
            # dead-reckoning limit): the detection should match its MMSI
            heard = np.flatnonzero(b.ais_on[: t + 1])
            recent = heard.size > 0 and t - int(heard[-1]) <= 7200
            expect = b.mmsi if b.mmsi is not None and recent and not b.spoof_dlat else None
            truth["detections"][did] = {"boat": b.name, "mmsi": expect, "labels": b.labels}
        for _ in range(2):  # false alarms (waves, rocks, wakes)
            j += 1
            did = f"{scene}-{j}"
            la, lo = rng.uniform(la0, la1), rng.uniform(lo0, lo1)
            rows.append(
                f'{iso},{la:.6f},{lo:.6f},{rng.uniform(8, 20):.1f},{rng.uniform(0.5, 0.75):.3f},{scene},{did},"{wkt}"'
            )
            truth["detections"][did] = {"boat": "false_alarm", "mmsi": None, "labels": ["false_alarm"]}
    (out / "detections.csv").write_text("\n".join(rows) + "\n")
    (out / "scenes.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))


def _iso(t: int) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(t, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
