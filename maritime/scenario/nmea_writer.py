"""Render scenario receptions as NMEA 0183 lines with tag blocks, and write recordings.

Every line carries an NMEA 4.10 tag block ``\\s:<station>,c:<unix seconds>*hh\\`` before the
sentence; a two-sentence message is written as ``\\g:1-2-<id>,s:..,c:..*hh\\!AIVDM,2,1,...`` and
``\\g:2-2-<id>*hh\\!AIVDM,2,2,...`` on the next line. Both checksums are the XOR of the characters
between the delimiters, as two upper-case hex digits.

Part of the scenario generator (a developer tool). Payloads come from
:mod:`maritime.scenario.payloads`; the ground truth of a recording is accumulated by
:class:`~maritime.scenario.truth.Truth` while its lines are rendered, so a benchmark can stream
millions of lines from :func:`generate_lines` and still get exact counts at the end.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from io import BufferedWriter
from pathlib import Path

import numpy as np
import numpy.typing as npt

from maritime.scenario.build import build_scenario
from maritime.scenario.config import COG_NA_I, HEADING_NA, LAT_NA_I, SOG_NA_I, IntArray, Kind, Noise, ScenarioConfig
from maritime.scenario.messages import iter_batches
from maritime.scenario.model import Scenario
from maritime.scenario.payloads import (
    ARMOR_STR,
    StaticPayloads,
    encode_4,
    encode_8,
    encode_18,
    encode_19,
    encode_21,
    encode_27,
    encode_123,
    nmea_checksum,
    payload_strings,
    xor_bytes,
)
from maritime.scenario.receptions import ReceptionBatch
from maritime.scenario.truth import Truth

_JUNK_WORDS = (
    "ERROR",
    "RX",
    "buffer",
    "overflow",
    "link",
    "restored",
    "timeout",
    "port",
    "OK",
    "AT+CSQ",
    "NO CARRIER",
    "retry",
    "socket",
    "closed",
    "CRC",
    "fail",
    "GPS",
    "antenna",
    "voltage",
    "low",
)


class _Renderer:
    def __init__(self, scenario: Scenario) -> None:
        self.sc = scenario
        self.statics = StaticPayloads(scenario.vessels)
        self.names = [s.name for s in scenario.stations]
        self.talkers = [s.talker + "VDM" for s in scenario.stations]
        self.group_id = [0] * len(scenario.stations)
        self.seq_id = [0] * len(scenario.stations)
        self._tag_cache: dict[tuple[int, int], str] = {}
        # XOR of "<talker>VDM,1,1,,<ch>," for the single-sentence prefix, per (station, channel)
        self._pre1 = [[xor_bytes(f"{t},1,1,,{ch},".encode()) for ch in "AB"] for t in self.talkers]
        self._fill = [xor_bytes(f",{f}".encode()) for f in range(6)]

    def tag(self, st: int, c: int) -> str:
        """The tag block ``\\s:<station>,c:<c>*hh\\`` (cached)."""
        k = (st, c)
        s = self._tag_cache.get(k)
        if s is None:
            body = f"s:{self.names[st]},c:{c}"
            s = self._tag_cache[k] = f"\\{body}*{nmea_checksum(body):02X}\\"
        return s

    def payloads(self, b: ReceptionBatch) -> list[tuple[str, int] | None]:
        """Armoured payload and fill bits for every AIS row of ``b`` (None for other rows)."""
        out: list[tuple[str, int] | None] = [None] * len(b)
        k = b.kind
        encoders: tuple[tuple[tuple[int, ...], Callable[[IntArray], tuple[npt.NDArray[np.uint8], int]]], ...] = (
            ((Kind.POS_A,), lambda ix: encode_123(b, ix)),
            ((Kind.POS_B,), lambda ix: encode_18(b, ix)),
            ((Kind.POS_19,), lambda ix: encode_19(b, ix, self.sc.vessels)),
            ((Kind.POS_27,), lambda ix: encode_27(b, ix)),
            ((Kind.BASE_4,), lambda ix: encode_4(b, ix)),
            ((Kind.ATON_21,), lambda ix: encode_21(b, ix, self.sc)),
        )
        for kinds, enc in encoders:
            ix = np.nonzero(np.isin(k, kinds))[0]
            if len(ix):
                chars, fill = enc(ix)
                for r, p in zip(ix.tolist(), payload_strings(chars)):
                    out[r] = (p, fill)
        for r in np.nonzero(k == Kind.BINARY_8)[0].tolist():
            out[r] = encode_8(b, np.array([r]), self.sc)[0]
        for r in np.nonzero(k == Kind.STATIC_5)[0].tolist():
            out[r] = (self.statics.type5(int(b.src[r])), 2)
        for r in np.nonzero(k == Kind.STATIC_24A)[0].tolist():
            out[r] = (self.statics.type24(int(b.src[r]), 1), 0)
        for r in np.nonzero(k == Kind.STATIC_24B)[0].tolist():
            out[r] = (self.statics.type24(int(b.src[r]), 2), 0)
        return out

    def render(self, b: ReceptionBatch, truth: Truth | None) -> list[str]:
        """The NMEA lines of batch ``b`` in order, counting them into ``truth`` when given."""
        lines: list[str] = []
        if len(b) == 0:
            return lines
        if len(self._tag_cache) > 200_000:
            self._tag_cache.clear()
        pays = self.payloads(b)
        cols = (
            b.c.tolist(),
            b.station.tolist(),
            b.channel.tolist(),
            b.kind.tolist(),
            b.msg_type.tolist(),
            b.noise.tolist(),
            b.arg.tolist(),
            b.dup.tolist(),
            b.mmsi.tolist(),
            b.src.tolist(),
            b.lat_i.tolist(),
            b.heading.tolist(),
            b.sog_i.tolist(),
            b.cog_i.tolist(),
            b.second.tolist(),
        )
        T = truth
        append = lines.append
        for r, (c, st, ch, kind, mt, noise, arg, dup, mmsi, src, lat_i, hdg, sog_i, cog_i, sec) in enumerate(
            zip(*cols)
        ):
            if kind == Kind.JUNK:
                append(_junk(arg))
                if T:
                    T.lines_total += 1
                    T.junk += 1
                continue
            if kind == Kind.GPS_NMEA:
                append(self.tag(st, c) + _gps_sentence(self.sc.stations[st], c, arg))
                if T:
                    T.lines_total += 1
                    T.non_ais_nmea += 1
                continue
            payload, fill = pays[r]  # type: ignore[misc]
            talker = self.talkers[st]
            chl = "AB"[ch]
            if kind == Kind.STATIC_5:
                gid = self.group_id[st] = self.group_id[st] % 9999 + 1
                seq = self.seq_id[st] = (self.seq_id[st] + 1) % 10
                p1, p2 = payload[:60], payload[60:]
                b1 = f"g:1-2-{gid},s:{self.names[st]},c:{c}"
                s1 = f"{talker},2,1,{seq},{chl},{p1},0"
                append(f"\\{b1}*{nmea_checksum(b1):02X}\\!{s1}*{nmea_checksum(s1):02X}")
                if noise == Noise.ORPHAN:
                    if T:
                        T.lines_total += 1
                        T.sentences_valid += 1
                        T.orphan_fragments += 1
                        T.lost_receptions += 1
                        T.sentences_by_talker[talker] += 1
                    continue
                b2 = f"g:2-2-{gid}"
                s2 = f"{talker},2,2,{seq},{chl},{p2},{fill}"
                append(f"\\{b2}*{nmea_checksum(b2):02X}\\!{s2}*{nmea_checksum(s2):02X}")
                if T:
                    T.lines_total += 2
                    T.sentences_valid += 2
                    T.sentences_by_talker[talker] += 2
                    self._count_message(T, "5", kind, dup, mmsi, src, payload, st, lat_i, hdg, sog_i, cog_i, sec, mt)
                continue
            cs = self._pre1[st][ch] ^ xor_bytes(payload.encode()) ^ self._fill[fill]
            tag = self.tag(st, c)
            if noise == Noise.NONE:
                append(f"{tag}!{talker},1,1,,{chl},{payload},{fill}*{cs:02X}")
                if T:
                    T.lines_total += 1
                    T.sentences_valid += 1
                    T.sentences_by_talker[talker] += 1
                    tkey = "24A" if kind == Kind.STATIC_24A else "24B" if kind == Kind.STATIC_24B else str(mt)
                    self._count_message(T, tkey, kind, dup, mmsi, src, payload, st, lat_i, hdg, sog_i, cog_i, sec, mt)
                continue
            if T:
                T.lines_total += 1
                T.lost_receptions += 1
            if noise == Noise.BAD_CHECKSUM:
                pos = arg % len(payload)
                old = ARMOR_STR.index(payload[pos])
                new = ARMOR_STR[(old + 1 + (arg >> 8) % 63) % 64]
                bad = payload[:pos] + new + payload[pos + 1 :]
                append(f"{tag}!{talker},1,1,,{chl},{bad},{fill}*{cs:02X}")
                if T:
                    T.bad_checksum += 1
            elif noise == Noise.BAD_TAGBLOCK:
                body = f"s:{self.names[st]},c:{c}"
                wrong = nmea_checksum(body) ^ (1 + arg % 255)
                append(f"\\{body}*{wrong:02X}\\!{talker},1,1,,{chl},{payload},{fill}*{cs:02X}")
                if T:
                    T.bad_tagblock_checksum += 1
            elif noise == Noise.TRUNCATED:
                keep = 1 + arg % (len(payload) - 1)
                append(f"{tag}!{talker},1,1,,{chl},{payload[:keep]}")
                if T:
                    T.truncated += 1
            else:
                raise AssertionError(f"unexpected noise {noise}")
        if T and len(b):
            c0, c1 = int(b.c.min()), int(b.c.max())
            T.first_c = c0 if T.first_c is None else min(T.first_c, c0)
            T.last_c = c1 if T.last_c is None else max(T.last_c, c1)
        return lines

    def _count_message(
        self,
        T: Truth,
        tkey: str,
        kind: int,
        dup: bool,
        mmsi: int,
        src: int,
        payload: str,
        st: int,
        lat_i: int,
        hdg: int,
        sog_i: int,
        cog_i: int,
        sec: int,
        mt: int,
    ) -> None:
        T.received_valid_by_type[tkey] += 1
        T.receptions_by_station[self.names[st]] += 1
        if kind in Kind.IDENTITY:
            T.identity_payloads.add((mmsi, payload))
        if dup:
            T.duplicate_receptions += 1
            return
        T.unique_by_type[tkey] += 1
        if kind in Kind.IDENTITY:
            T.identity_transmissions_unique += 1
        if kind in Kind.POSITION:
            t27 = kind == Kind.POS_27
            no_pos = lat_i == (91 * 600 if t27 else LAT_NA_I)
            if no_pos:
                T.position_reports_no_position += 1
                T.na["no_position"] += 1
            else:
                T.position_reports_unique += 1
                T.per_vessel_positions[src] += 1
            if t27:
                T.na["sog_na"] += sog_i == 63
                T.na["cog_na"] += cog_i == 511
            else:
                T.na["heading_511"] += hdg == HEADING_NA
                T.na["sog_na"] += sog_i == SOG_NA_I
                T.na["cog_na"] += cog_i == COG_NA_I
                if sec >= 60:
                    T.na[f"second_{sec}"] += 1


def _junk(arg: int) -> str:
    h = arg
    v = h % 4
    if v == 0:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        n = 8 + (h >> 2) % 50
        x = h
        out = []
        for _ in range(n):
            x = (x * 1103515245 + 12345) & 0x7FFFFFFF
            out.append(alphabet[x % len(alphabet)])
        return "Z" + "".join(out)
    if v == 1:
        return f"ERROR {(h >> 3) % 100}: RX buffer overflow on port {(h >> 9) % 4}"
    if v == 2:
        words = [_JUNK_WORDS[(h >> (2 + 3 * i)) % len(_JUNK_WORDS)] for i in range(3 + (h >> 20) % 4)]
        return "LOG " + " ".join(words)
    return ["OK", "AT+CSQ", "NO CARRIER", "RING"][(h >> 2) % 4]


def _ddmm(value: float, lat: bool) -> tuple[str, str]:
    hemi = ("N" if value >= 0 else "S") if lat else ("E" if value >= 0 else "W")
    v = abs(value)
    deg = int(v)
    minutes = (v - deg) * 60
    return (f"{deg:02d}{minutes:07.4f}" if lat else f"{deg:03d}{minutes:07.4f}"), hemi


def _gps_sentence(st: object, c: int, which: int) -> str:
    dt = datetime.fromtimestamp(c, tz=UTC)
    la, ns = _ddmm(st.lat, True)  # type: ignore[attr-defined]
    lo, ew = _ddmm(st.lon, False)  # type: ignore[attr-defined]
    if which == 0:
        body = f"GPRMC,{dt:%H%M%S}.00,A,{la},{ns},{lo},{ew},0.0,0.0,{dt:%d%m%y},,,A"
    else:
        body = f"GPGGA,{dt:%H%M%S}.00,{la},{ns},{lo},{ew},1,09,0.9,12.0,M,8.5,M,,"
    return f"${body}*{nmea_checksum(body):02X}"


def generate_lines(
    config: ScenarioConfig | Scenario | None = None, truth: Truth | None = None, chunk_s: float = 3600.0
) -> Iterator[str]:
    """Stream the lines of a recording (without line terminators), in time order.

    Args:
        config: a configuration, or an already built scenario (defaults: ``ScenarioConfig()``).
        truth: a :class:`Truth` to fill while streaming; complete once the iterator is exhausted.
        chunk_s: simulation window, seconds (memory use grows with it).

    Yields:
        NMEA lines with tag blocks, noise lines included.
    """
    sc = config if isinstance(config, Scenario) else build_scenario(config)
    rd = _Renderer(sc)
    for batch in iter_batches(sc, chunk_s=chunk_s):
        yield from rd.render(batch, truth)


def truth_path_for(path: str | os.PathLike[str]) -> Path:
    """``<path>.truth.json``."""
    return Path(str(path) + ".truth.json")


def _open_out(path: Path, compresslevel: int) -> tuple[gzip.GzipFile | BufferedWriter, BufferedWriter]:
    raw = open(path, "wb")
    if path.suffix == ".gz":
        # no file name and a zero mtime in the header: byte-identical output for the same input
        return gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=compresslevel, mtime=0), raw
    return raw, raw


def write_recording(
    path: str | os.PathLike[str],
    config: ScenarioConfig | Scenario | None = None,
    *,
    truth_path: str | os.PathLike[str] | None = None,
    write_truth: bool = True,
    compresslevel: int = 9,
) -> dict[str, object]:
    """Write a recording (gzip when ``path`` ends in ``.gz``) and its ground truth.

    Args:
        path: output file.
        config: a configuration or a built scenario.
        truth_path: where to write the truth JSON; default ``<path>.truth.json``.
        write_truth: write the truth file at all.
        compresslevel: gzip level.

    Returns:
        The truth dictionary.
    """
    sc = config if isinstance(config, Scenario) else build_scenario(config)
    out = Path(path)
    if out.parent and not out.parent.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
    truth = Truth()
    f, raw = _open_out(out, compresslevel)
    try:
        buf: list[str] = []
        for line in generate_lines(sc, truth):
            buf.append(line)
            if len(buf) >= 20000:
                f.write(("\n".join(buf) + "\n").encode("ascii"))
                buf.clear()
        if buf:
            f.write(("\n".join(buf) + "\n").encode("ascii"))
    finally:
        f.close()
        raw.close()
    d = truth.to_dict(sc)
    if write_truth:
        tp = Path(truth_path) if truth_path is not None else truth_path_for(out)
        tp.write_text(json.dumps(d, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return d
