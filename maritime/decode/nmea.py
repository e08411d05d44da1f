"""Line framing for NMEA 0183 AIS recordings: the reference (one line at a time) parser.

A line of a recording is one of:

* an AIS sentence ``!AIVDM,...*hh`` (any talker, VDM or VDO), optionally preceded by an
  NMEA 4.0 tag block ``\\s:station,c:unix_time,g:part-total-id*hh\\`` and optionally followed
  by US Coast Guard NAIS trailing fields (``,d-109,S2105,...,r003669946,1325394001``) or an
  exactEarth trailing unix time in milliseconds;
* a tag block on a line of its own, ``\\s:station,c:unix_time*hh\\`` or the source tags of
  the Danish Maritime Authority's AisLib (``\\si:AISD*3F\\``: ``si`` source id, ``sb`` base
  station, ``sc`` country, ``st`` type), which applies to the sentence after it;
* a Gatehouse ``$PGHP,1,yyyy,m,d,h,m,s,ms,...*hh`` line, which stamps the lines after it;
* a GPS ``$--RMC``/``$--ZDA`` sentence, whose UTC date and time also stamp the lines after it
  (a receiver's own clock, as in gpsd's recordings);
* any other NMEA sentence, a comment, a blank line or junk.

This module turns one line into a :class:`LineResult`. It is the slow path and the
reference: :mod:`maritime.decode.framing` frames the common canonical lines vectorised and
sends every other line here. Both must agree; a test checks them against each other.

Checksums: NMEA 0183 sentences and IEC 61162-1 tag blocks both end in ``*hh``, the XOR of
the bytes between the start delimiter and ``*``. A mismatch rejects the line.
"""

from __future__ import annotations

import calendar
import re
import zlib
from dataclasses import dataclass, field
from functools import reduce
from operator import xor

#: Earliest and latest plausible receive times (UNIX seconds): 1990-01-01 and 2100-01-01.
MIN_PLAUSIBLE_S = 631_152_000
MAX_PLAUSIBLE_S = 4_102_444_800


@dataclass(slots=True)
class Sentence:
    """One AIS sentence (a fragment of a message), framed but not decoded."""

    talker: str
    nfrag: int
    frag: int
    seq: int  # -1 when the sequence field is empty
    channel: str  # "" when empty
    payload: bytes
    fill: int
    time_us: int | None = None  # receive time from the tag block or a wrapper
    station: str | None = None
    group: tuple[int, int, int] | None = None  # tag-block g: (part, total, id)


@dataclass(slots=True)
class TagLine:
    """A tag block alone on its line: fields for the sentence that follows it."""

    station: str | None  # s:, else the source id si: (DMA) or the text i:
    time_us: int | None  # c:


@dataclass(slots=True)
class LineResult:
    """What one line holds: sentences, a time mark, a skip, or a rejection."""

    sentences: list[Sentence] = field(default_factory=list)
    time_mark_us: int | None = None  # a wrapper time for the lines that follow
    tag_line: TagLine | None = None  # a standalone tag block, for the next sentence
    skip: str | None = None  # why the line holds nothing to decode but is not bad
    reject: str | None = None  # why the line is bad
    dummy_checksums: int = 0  # tag blocks accepted with the placeholder checksum *00
    odd_talkers: int = 0  # sentences accepted with a talker that is not two letters


def nmea_checksum(body: bytes) -> int:
    """XOR of the bytes of ``body`` (the text between the delimiter and ``*``)."""
    return reduce(xor, body, 0)


#: A talker is two characters: letters by the standard, but real feeds also carry others
#: (AMSA writes ``!=IVDM``), accepted when the sentence's checksum is valid and counted.
_TALKER = rb"[^\x00-\x20,*!$\\\x7f-\xff]{2}"
_SENTENCE = re.compile(
    rb"[!$](?P<talker>" + _TALKER + rb")VD[MO],(?P<nfrag>[^,]*),(?P<frag>[^,]*),(?P<seq>[^,]*),"
    rb"(?P<chan>[^,]*),(?P<payload>[^,]*),(?P<fill>[^,*]*)\*(?P<cs>[0-9A-Fa-f]{2})"
)
_PAYLOAD_OK = re.compile(rb"[0-W`-w]*")
_UNIT = re.compile(rb"(\\[^\\]*\\)?([!$]" + _TALKER + rb"VD[MO],[^\\]*)")


def group_id(text: str) -> int:
    """A tag-block group id as a number. Ids are decimal by the standard; a malformed one
    such as ``-001`` (seen in GFW's samples, which GFW reads leniently) still keys its
    group: it maps to a stable number above every decimal id."""
    if text.isdigit() and len(text) <= 12:
        return int(text)
    return (1 << 40) + zlib.crc32(text.encode())


def parse_time_value(text: str) -> int | None:
    """A tag-block or trailer UNIX time in seconds or milliseconds → microseconds, or None.

    Values with more than 11 digits are milliseconds (as from GFW and exactEarth feeds);
    implausible times (before 1990 or after 2100) give None.
    """
    if not text.isdigit():
        return None
    value = int(text)
    us = value * 1000 if len(text) >= 12 else value * 1_000_000
    if not MIN_PLAUSIBLE_S * 1_000_000 <= us <= MAX_PLAUSIBLE_S * 1_000_000:
        return None
    return us


def _parse_tag_block(
    tag: bytes, accept_dummy_checksum: bool
) -> tuple[int | None, str | None, tuple[int, int, int] | None, str | None, bool]:
    """Parse a tag block's text (between the backslashes).

    Returns ``(time_us, station, group, reject_reason, dummy_checksum_accepted)``.
    """
    star = tag.rfind(b"*")
    if star < 0:
        return None, None, None, "malformed_tagblock", False
    body, cs_text = tag[:star], tag[star + 1 :]
    dummy = False
    if len(cs_text) != 2 or not re.fullmatch(rb"[0-9A-Fa-f]{2}", cs_text):
        return None, None, None, "tagblock_checksum", False
    if int(cs_text, 16) != nmea_checksum(body):
        if not (accept_dummy_checksum and cs_text == b"00"):
            return None, None, None, "tagblock_checksum", False
        dummy = True
    time_us = station = group = None
    for item in body.split(b","):
        key, sep, value = item.partition(b":")
        if not sep or len(key) != 1:
            return None, None, None, "malformed_tagblock", False
        text = value.decode("ascii", "replace")
        if key == b"c":
            time_us = parse_time_value(text)
            if time_us is None:
                return None, None, None, "bad_time", False
        elif key == b"s":
            station = text
        elif key == b"g":
            parts = text.split("-", 2)
            if len(parts) != 3 or not (parts[0].isdigit() and parts[1].isdigit()) or not parts[2]:
                return None, None, None, "bad_group", False
            part, total = int(parts[0]), int(parts[1])
            if not 1 <= part <= total <= 9:
                return None, None, None, "bad_group", False
            group = (part, total, group_id(parts[2]))
    return time_us, station, group, None, dummy


_STANDALONE_TAG = re.compile(rb"\\([^\\]*)\\")


def _standalone_tag(tag: bytes, accept_dummy_checksum: bool) -> LineResult:
    """A tag block alone on its line (the text between the backslashes).

    Keys are one letter (NMEA 4.0) or two (the source tags of DMA's AisLib: ``si``, ``sb``,
    ``sc``, ``st``). ``s:`` names the station; without it, ``si:`` (DMA's source id) or
    ``i:`` (NMEA 4.0 text) does. ``c:`` is the receive time. Other keys are ignored.
    """
    star = tag.rfind(b"*")
    if star < 0:
        return LineResult(reject="malformed_tagblock")
    body, cs_text = tag[:star], tag[star + 1 :]
    if not re.fullmatch(rb"[0-9A-Fa-f]{2}", cs_text):
        return LineResult(reject="tagblock_checksum")
    dummy = 0
    if int(cs_text, 16) != nmea_checksum(body):
        if not (accept_dummy_checksum and cs_text == b"00"):
            return LineResult(reject="tagblock_checksum")
        dummy = 1
    fields: dict[bytes, str] = {}
    for item in body.split(b","):
        key, sep, value = item.partition(b":")
        if not sep or not re.fullmatch(rb"[A-Za-z]{1,2}", key) or key in fields:
            return LineResult(reject="malformed_tagblock")
        fields[key] = value.decode("ascii", "replace")
    time_us = None
    if b"c" in fields:
        time_us = parse_time_value(fields[b"c"])
        if time_us is None:
            return LineResult(reject="bad_time")
    station = fields.get(b"s") or fields.get(b"si") or fields.get(b"i") or None
    return LineResult(skip="tagblock_line", tag_line=TagLine(station, time_us), dummy_checksums=dummy)


def _parse_trailer(trailer: bytes) -> tuple[int | None, str | None, str | None]:
    """Fields after a sentence's checksum: USCG NAIS or exactEarth style.

    Returns ``(time_us, station, reject_reason)``. The time is the last field when it is a
    UNIX time; a USCG receiver id (``r003669946``) becomes the station. Anything else after
    a valid checksum is ignored: the checksum already vouches for the sentence.
    """
    if not trailer.startswith(b","):
        return None, None, None
    fields = trailer[1:].split(b",")
    time_us = None
    last = fields[-1].strip().decode("ascii", "replace")
    if last.isdigit():
        time_us = parse_time_value(last)
        if time_us is None:
            return None, None, "bad_time"
    station = None
    for f in fields[:-1]:
        if f.startswith(b"r") and len(f) > 1:
            station = f.decode("ascii", "replace")
    return time_us, station, None


def _parse_sentence(unit: bytes) -> tuple[Sentence | None, bytes, str | None]:
    """Parse ``!xxVDM,...*hh`` at the start of ``unit``; returns (sentence, rest, reject)."""
    m = _SENTENCE.match(unit)
    if m is None:
        if b"*" not in unit:
            return None, b"", "no_checksum"
        return None, b"", "malformed_sentence"
    star = m.start("cs") - 1
    if int(m["cs"], 16) != nmea_checksum(unit[1:star]):
        return None, b"", "checksum"
    nfrag, frag, seq, fill = m["nfrag"], m["frag"], m["seq"], m["fill"]
    if not (nfrag.isdigit() and frag.isdigit() and len(nfrag) == 1 and len(frag) == 1):
        return None, b"", "bad_fragment_header"
    if not 1 <= int(frag) <= int(nfrag):
        return None, b"", "bad_fragment_header"
    if seq and not (seq.isdigit() and len(seq) == 1):
        return None, b"", "bad_fragment_header"
    if not (fill.isdigit() and len(fill) == 1 and int(fill) <= 5):
        return None, b"", "bad_fill_bits"
    payload = m["payload"]
    if not payload:
        return None, b"", "empty_payload"
    if not _PAYLOAD_OK.fullmatch(payload):
        return None, b"", "bad_payload_char"
    sentence = Sentence(
        talker=m["talker"].decode(),
        nfrag=int(nfrag),
        frag=int(frag),
        seq=int(seq) if seq else -1,
        channel=m["chan"].decode("ascii", "replace"),
        payload=payload,
        fill=int(fill),
    )
    return sentence, unit[m.end() :], None


def _pghp_time(line: bytes) -> tuple[int | None, str | None]:
    """Gatehouse ``$PGHP,1,...`` → (time_us, reject_reason)."""
    body_end = line.rfind(b"*")
    if body_end < 0:
        return None, "no_checksum"
    cs = line[body_end + 1 : body_end + 3]
    if not re.fullmatch(rb"[0-9A-Fa-f]{2}", cs) or int(cs, 16) != nmea_checksum(line[1:body_end]):
        return None, "checksum"
    fields = line[1:body_end].split(b",")
    if len(fields) < 9 or fields[1] != b"1":
        return None, None  # another PGHP message: nothing to take
    try:
        y, mo, d, h, mi, s, ms = (int(f) for f in fields[2:9])
        seconds = calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0))
    except (ValueError, OverflowError):
        return None, "bad_time"
    if not (1 <= mo <= 12 and 1 <= d <= 31 and h < 24 and mi < 60 and s < 61 and 0 <= ms < 1000):
        return None, "bad_time"
    if not MIN_PLAUSIBLE_S <= seconds <= MAX_PLAUSIBLE_S:
        return None, "bad_time"
    return seconds * 1_000_000 + ms * 1000, None


def _gps_time(line: bytes) -> int | None:
    """UTC date and time of a valid ``$--RMC`` or ``$--ZDA`` sentence, else None."""
    star = line.rfind(b"*")
    if star < 0:
        return None
    cs = line[star + 1 : star + 3]
    if not re.fullmatch(rb"[0-9A-Fa-f]{2}", cs) or int(cs, 16) != nmea_checksum(line[1:star]):
        return None
    fields = line[1:star].split(b",")
    kind = fields[0][2:]
    try:
        if kind == b"RMC" and len(fields) > 9 and fields[2] == b"A":
            hms, dmy = fields[1], fields[9]
            d, mo, yy = int(dmy[0:2]), int(dmy[2:4]), int(dmy[4:6])
            y = 2000 + yy if yy < 80 else 1900 + yy
        elif kind == b"ZDA" and len(fields) > 4:
            hms = fields[1]
            d, mo, y = int(fields[2]), int(fields[3]), int(fields[4])
        else:
            return None
        h, mi, sec = int(hms[0:2]), int(hms[2:4]), float(hms[4:])
        seconds = calendar.timegm((y, mo, d, h, mi, 0, 0, 0, 0))
    except (ValueError, IndexError, OverflowError):
        return None
    if not MIN_PLAUSIBLE_S <= seconds <= MAX_PLAUSIBLE_S:
        return None
    return seconds * 1_000_000 + round(sec * 1_000_000)


def parse_line(line: bytes, *, accept_dummy_tag_checksum: bool = False) -> LineResult:
    """Frame one line (without its line ending) into a :class:`LineResult`.

    Several ``[tag block]sentence`` units joined on one line are framed one by one; if any
    of them is bad, the whole line is rejected with that unit's reason.
    """
    text = line.strip()
    if not text:
        return LineResult(skip="blank")
    if text.startswith(b"#"):
        return LineResult(skip="comment")
    if text.startswith(b"$PGHP"):
        time_us, reason = _pghp_time(text)
        if reason:
            return LineResult(reject=reason)
        return LineResult(time_mark_us=time_us, skip="wrapper")
    units = list(_UNIT.finditer(text))
    if not units and (standalone := _STANDALONE_TAG.fullmatch(text)):
        return _standalone_tag(standalone[1], accept_dummy_tag_checksum)
    if not units:
        if text[:1] in (b"$", b"!") and re.match(rb"[$!][A-Z0-9]{3,6},", text):
            gps = _gps_time(text)
            return LineResult(time_mark_us=gps, skip="non_ais")
        if text[:1] == b"\\" and re.search(rb"\\[$!]", text):
            return LineResult(skip="non_ais")
        return LineResult(reject="not_nmea")
    if units[0].start() != 0:
        return LineResult(reject="malformed_sentence")
    result = LineResult()
    for i, unit in enumerate(units):
        end = units[i + 1].start() if i + 1 < len(units) else len(text)
        tag, body = unit.group(1), text[unit.start(2) : end]
        time_us = station = group = None
        if tag is not None:
            time_us, station, group, reason, dummy = _parse_tag_block(tag[1:-1], accept_dummy_tag_checksum)
            if reason:
                return LineResult(reject=reason)
            result.dummy_checksums += dummy
        sentence, rest, reason = _parse_sentence(body)
        if reason:
            return LineResult(reject=reason)
        assert sentence is not None
        if rest:
            t_time, t_station, reason = _parse_trailer(rest)
            if reason:
                return LineResult(reject=reason)
            time_us = t_time if t_time is not None else time_us
            station = t_station if t_station is not None else station
        if group is not None and (group[0] != sentence.frag or group[1] != sentence.nfrag):
            return LineResult(reject="bad_group")
        sentence.time_us, sentence.station, sentence.group = time_us, station, group
        result.odd_talkers += not sentence.talker.isalpha()
        result.sentences.append(sentence)
    return result
