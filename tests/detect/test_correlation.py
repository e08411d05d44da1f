"""Contact-AIS correlation on synthetic scenes with detection noise, on seeds not tuned on.

Each scene: AIS vessels on straight legs reporting every 2-6 minutes with GNSS noise; a
satellite pass (or a radar) sees each vessel with probability 0.9 with position error; dark
vessels (no AIS) are seen too; false alarms are scattered; one vessel spoofs its AIS position
20 km from where it really is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pytest

from maritime.detect.correlation import ContactArrays, CorrelationConfig, correlate
from maritime.detect.prediction import TrackIndex
from maritime.geodesy import NM_KM, destination

T_SCENE = 1_714_550_400.0  # 2024-05-01 08:00 UTC
LAT0, LON0 = 9.0, -86.0


@dataclass
class Scene:
    index: TrackIndex
    lengths: npt.NDArray[np.float64]
    contacts: ContactArrays
    truth: npt.NDArray[np.int64]  # MMSI each contact really is; -1 dark or false alarm
    spoofer: int


def _positions(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    return LAT0 + rng.uniform(-0.3, 0.3, n), LON0 + rng.uniform(-0.3, 0.3, n)


def make_scene(seed: int, n_ais: int = 60, n_dark: int = 10, n_false: int = 5, sigma_m: float = 60.0) -> Scene:
    rng = np.random.default_rng(seed)
    mmsi = 200_000_000 + np.arange(n_ais)
    lat, lon = _positions(rng, n_ais)
    speed = rng.uniform(0.0, 18.0, n_ais)
    course = rng.uniform(0.0, 360.0, n_ais)
    length = rng.uniform(12.0, 200.0, n_ais)
    rows_m, rows_t, rows_lat, rows_lon, rows_s, rows_c = [], [], [], [], [], []
    spoofer = int(mmsi[0])
    for k in range(n_ais):
        t = T_SCENE - rng.uniform(1800, 3600)
        while t < T_SCENE + 3600:
            dt = t - T_SCENE
            plat, plon = destination(lat[k], lon[k], course[k], speed[k] * NM_KM * dt / 3600.0)
            plat, plon = destination(plat, plon, rng.uniform(0, 360), abs(rng.normal(0, 0.01)))
            if mmsi[k] == spoofer:  # broadcasts a position 20 km north of the truth
                plat, plon = destination(plat, plon, 0.0, 20.0)
            rows_m.append(mmsi[k])
            rows_t.append(t)
            rows_lat.append(float(plat))
            rows_lon.append(float(plon))
            rows_s.append(speed[k] + rng.normal(0, 0.1))
            rows_c.append((course[k] + rng.normal(0, 1.0)) % 360)
            t += rng.uniform(120, 360)
    index = TrackIndex.build(rows_m, rows_t, rows_lat, rows_lon, rows_s, rows_c)
    lengths = np.array([length[mmsi == m][0] for m in index.mmsi])

    seen = rng.random(n_ais) < 0.9  # missed detections
    dlat, dlon = _positions(rng, n_dark)
    flat, flon = _positions(rng, n_false)
    c_lat = np.concatenate([lat[seen], dlat, flat])
    c_lon = np.concatenate([lon[seen], dlon, flon])
    bearing = rng.uniform(0, 360, c_lat.size)
    dist_km = np.abs(rng.normal(0, sigma_m, c_lat.size)) / 1000.0
    c_lat, c_lon = destination(c_lat, c_lon, bearing, dist_km)
    truth = np.concatenate([mmsi[seen], np.full(n_dark + n_false, -1)])
    truth[truth == spoofer] = -1  # the spoofer's MMSI is not where the ship is seen
    c_len = np.concatenate([length[seen], rng.uniform(10, 40, n_dark), np.full(n_false, np.nan)])
    c_len = c_len * rng.normal(1.0, 0.2, c_len.size)
    n = c_lat.size
    contacts = ContactArrays(
        t=np.full(n, T_SCENE),
        lat=np.asarray(c_lat, dtype=np.float64),
        lon=np.asarray(c_lon, dtype=np.float64),
        sigma_major_m=np.full(n, sigma_m),
        sigma_minor_m=np.full(n, sigma_m),
        orientation_deg=np.zeros(n),
        speed_kn=np.full(n, np.nan),
        course_deg=np.full(n, np.nan),
        length_m=c_len,
        group=np.zeros(n, dtype=np.int64),
        track=np.full(n, -1, dtype=np.int64),
    )
    return Scene(index, lengths, contacts, truth, spoofer)


def precision_recall(truth: np.ndarray, matched: np.ndarray) -> tuple[float, float]:
    declared = matched >= 0
    correct = declared & (matched == truth)
    precision = correct.sum() / max(declared.sum(), 1)
    recall = correct.sum() / max((truth >= 0).sum(), 1)
    return float(precision), float(recall)


@pytest.mark.parametrize("seed", [11, 23, 37, 41, 59])
def test_sar_scene_precision_recall_spoofing_and_dark(seed: int) -> None:
    scene = make_scene(seed)
    m = correlate(scene.contacts, scene.index, scene.lengths)
    precision, recall = precision_recall(scene.truth, m.mmsi)
    print(f"seed {seed}: precision {precision:.3f} recall {recall:.3f}")
    assert precision >= 0.95 and recall >= 0.9
    assert scene.spoofer not in m.mmsi  # a track 20 km from where the ship is seen: no match
    dark = scene.truth < 0
    assert (m.mmsi[dark] < 0).mean() >= 0.9  # dark vessels and false alarms stay unmatched
    # one to one within the scene
    matched = m.mmsi[m.mmsi >= 0]
    assert matched.size == np.unique(matched).size
    # scores and runner-ups are consistent
    assert np.all((m.score > 0) & (m.score <= 1) | (m.mmsi < 0))
    assert np.all((m.runner_up_mmsi != m.mmsi) | (m.mmsi < 0))
    assert np.all(m.runner_up_score <= 1.0)


@pytest.mark.parametrize("seed", [77, 78])
def test_dense_scene_with_larger_position_error(seed: int) -> None:
    # 300 vessels in 66 x 66 km (about 2 km apart), 300 m detection error, 50 dark/false
    scene = make_scene(seed, n_ais=300, n_dark=30, n_false=20, sigma_m=300.0)
    m = correlate(scene.contacts, scene.index, scene.lengths)
    precision, recall = precision_recall(scene.truth, m.mmsi)
    print(f"dense seed {seed}: precision {precision:.3f} recall {recall:.3f}")
    assert precision >= 0.95 and recall >= 0.95
    assert (m.mmsi[scene.truth < 0] < 0).mean() >= 0.85


def test_global_assignment_beats_greedy() -> None:
    # two vessels 300 m apart and two contacts: greedy nearest-first would give contact 0
    # vessel A (its nearest) and leave contact 1 with nothing in its gate
    lat_a, lon_a = LAT0, LON0
    lat_b, lon_b = destination(LAT0, LON0, 90.0, 0.3)
    index = TrackIndex.build([1, 2], [T_SCENE, T_SCENE], [lat_a, float(lat_b)], [lon_a, float(lon_b)])
    c0 = destination(LAT0, LON0, 90.0, 0.14)  # between, slightly nearer A
    c1 = destination(LAT0, LON0, 270.0, 0.10)  # 100 m west of A, far from B
    contacts = ContactArrays.points(
        [T_SCENE, T_SCENE], [float(c0[0]), float(c1[0])], [float(c0[1]), float(c1[1])], 60.0, [0, 0]
    )
    m = correlate(contacts, index)
    assert m.mmsi.tolist() == [2, 1]
    assert m.runner_up_mmsi[0] == 1 and m.runner_up_score[0] > m.score[0]


def test_far_vessels_are_not_candidates() -> None:
    far_lat, far_lon = destination(LAT0, LON0, 45.0, 500.0)
    index = TrackIndex.build([9], [T_SCENE], [float(far_lat)], [float(far_lon)], [10.0], [0.0])
    contacts = ContactArrays.points([T_SCENE], [LAT0], [LON0], 50.0, [0])
    m = correlate(contacts, index)
    assert m.mmsi.tolist() == [-1] and m.n_candidates.tolist() == [0] and m.runner_up_mmsi.tolist() == [-1]


def test_radar_tracks_match_as_tracks() -> None:
    """A radar sees three boats for 10 scans 30 s apart: an AIS ship, a dark go-fast running
    beside it for one scan, and the ship whose AIS is spoofed 20 km away."""
    rng = np.random.default_rng(5)
    scans = T_SCENE + 30.0 * np.arange(10)
    ship = destination(LAT0, LON0, 90.0, 12.0 * NM_KM * (scans - T_SCENE) / 3600.0)
    gofast = destination(LAT0 - 0.02, LON0 - 0.05, 60.0, 35.0 * NM_KM * (scans - T_SCENE) / 3600.0)
    spoofed_true = destination(LAT0 + 0.05, LON0, 180.0, 8.0 * NM_KM * (scans - T_SCENE) / 3600.0)
    spoofed_ais = destination(spoofed_true[0], spoofed_true[1], 0.0, 20.0)
    ais_t = np.concatenate([scans[::2], scans[::2]])
    index = TrackIndex.build(
        np.repeat([111, 222], 5),
        ais_t,
        np.concatenate([ship[0][::2], spoofed_ais[0][::2]]),
        np.concatenate([ship[1][::2], spoofed_ais[1][::2]]),
        np.repeat([12.0, 8.0], 5),
        np.repeat([90.0, 180.0], 5),
    )
    lat = np.concatenate([ship[0], gofast[0], spoofed_true[0]])
    lon = np.concatenate([ship[1], gofast[1], spoofed_true[1]])
    n = lat.size
    lat, lon = destination(lat, lon, rng.uniform(0, 360, n), np.abs(rng.normal(0, 0.03, n)))
    # the go-fast passes within 100 m of the ship at one scan: point matching could take it
    lat[10 + 4], lon[10 + 4] = destination(ship[0][4], ship[1][4], 0.0, 0.1)
    contacts = ContactArrays(
        t=np.tile(scans, 3),
        lat=np.asarray(lat, dtype=np.float64),
        lon=np.asarray(lon, dtype=np.float64),
        sigma_major_m=np.full(n, 60.0),
        sigma_minor_m=np.full(n, 30.0),
        orientation_deg=np.zeros(n),
        speed_kn=np.repeat([12.0, 35.0, 8.0], 10),
        course_deg=np.repeat([90.0, 60.0, 180.0], 10),
        length_m=np.full(n, np.nan),
        group=np.zeros(n, dtype=np.int64),
        track=np.repeat([1, 2, 3], 10),
    )
    m = correlate(contacts, index, config=CorrelationConfig())
    assert m.mmsi[:10].tolist() == [111] * 10
    assert m.mmsi[10:].tolist() == [-1] * 20  # the go-fast and the spoofed ship: dark


def test_radar_sentences_end_to_end() -> None:
    """TTM sentences from a shore radar → contacts → tracks matched to AIS or left dark."""
    from functools import reduce
    from operator import xor

    from maritime.decode.radar import decode_radar
    from maritime.geodesy import bearing_deg, haversine_km

    station = (LAT0, LON0)
    scans = T_SCENE + 6.0 * np.arange(8)
    ship = destination(LAT0 + 0.03, LON0 + 0.02, 45.0, 10.0 * NM_KM * (scans - T_SCENE) / 3600.0)
    dark = destination(LAT0 - 0.04, LON0 + 0.01, 300.0, 25.0 * NM_KM * (scans - T_SCENE) / 3600.0)
    index = TrackIndex.build(
        [777] * 3, scans[[0, 4, 7]], ship[0][[0, 4, 7]], ship[1][[0, 4, 7]], [10.0] * 3, [45.0] * 3
    )
    lines = []
    for k, t in enumerate(scans):
        time_of_day = int(t) % 86400
        hms = f"{time_of_day // 3600:02d}{time_of_day // 60 % 60:02d}{time_of_day % 60:02d}"
        for number, (lat, lon, v, c) in (
            (1, (ship[0][k], ship[1][k], 10.0, 45.0)),
            (2, (dark[0][k], dark[1][k], 25.0, 300.0)),
        ):
            rng_nm = float(haversine_km(station[0], station[1], lat, lon)) / NM_KM
            brg = float(bearing_deg(station[0], station[1], lat, lon))
            body = f"RATTM,{number:02d},{rng_nm:.3f},{brg:.1f},T,{v:.1f},{c:.1f},T,,,N,,T,,{hms},A"
            lines.append(f"${body}*{reduce(xor, body.encode(), 0):02X}")
    day_us = int(T_SCENE // 86400 * 86400) * 1_000_000
    contacts, rejects = decode_radar(lines, "coast-1", station=station, date_us=day_us)
    assert rejects == [] and len(contacts) == 16
    arrays = ContactArrays.from_contacts(contacts)
    assert sorted(set(arrays.track.tolist())) == [0, 1] and set(arrays.group.tolist()) == {0}
    m = correlate(arrays, index)
    by_track = {c.track_id: int(mm) for c, mm in zip(contacts, m.mmsi)}
    assert by_track == {"coast-1:1": 777, "coast-1:2": -1}
