"""The ground truth of a scenario recording: exact counts and their definitions (a developer tool).

Part of the scenario generator. :class:`Truth` is filled while the lines are rendered
(:mod:`maritime.scenario.nmea_writer`), so millions of lines can be streamed and still counted
exactly; :data:`DEFINITIONS` says how each count is defined and is written into the truth file.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from maritime.scenario.fishing import FISHING_DEFINITIONS
from maritime.scenario.model import Scenario


class Truth:
    """Exact counts of what a recording contains, accumulated while its lines are rendered.

    See :meth:`to_dict` for the definitions written to the truth file.
    """

    def __init__(self) -> None:
        self.lines_total = 0
        self.sentences_valid = 0
        self.bad_checksum = 0
        self.bad_tagblock_checksum = 0
        self.truncated = 0
        self.junk = 0
        self.non_ais_nmea = 0
        self.orphan_fragments = 0
        self.duplicate_receptions = 0
        self.lost_receptions = 0
        self.position_reports_unique = 0
        self.position_reports_no_position = 0
        self.identity_transmissions_unique = 0
        self.identity_payloads: set[tuple[int, str]] = set()
        self.unique_by_type: Counter[str] = Counter()
        self.received_valid_by_type: Counter[str] = Counter()
        self.receptions_by_station: Counter[str] = Counter()
        self.sentences_by_talker: Counter[str] = Counter()
        self.na: Counter[str] = Counter()
        self.per_vessel_positions: Counter[int] = Counter()
        self.first_c: int | None = None
        self.last_c: int | None = None

    def to_dict(self, scenario: Scenario) -> dict[str, object]:
        """The truth file's content (JSON-serialisable)."""
        cfg = scenario.config
        t0 = cfg.start_utc()
        vessels = []
        for v in scenario.vessels:
            d = v.to_dict()
            d["position_reports"] = self.per_vessel_positions.get(v.uid, 0)
            vessels.append(d)
        other = {k: self.unique_by_type.get(k, 0) for k in ("4", "8", "21")}
        return {
            "format": "maritime.scenario truth v1",
            "synthetic": True,
            "seed": cfg.seed,
            "parameters": cfg.to_dict(),
            "start": datetime.fromtimestamp(scenario.start_unix, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end": datetime.fromtimestamp(scenario.end_unix, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "first_c": self.first_c,
            "last_c": self.last_c,
            "lines_total": self.lines_total,
            "sentences_valid": self.sentences_valid,
            "duplicate_receptions": self.duplicate_receptions,
            "bad_checksum": self.bad_checksum,
            "bad_tagblock_checksum": self.bad_tagblock_checksum,
            "truncated": self.truncated,
            "junk": self.junk,
            "non_ais_nmea": self.non_ais_nmea,
            "orphan_fragments": self.orphan_fragments,
            "lost_to_line_noise": self.lost_receptions,
            "position_reports_unique": self.position_reports_unique,
            "position_reports_no_position": self.position_reports_no_position,
            "identity_reports_unique": len(self.identity_payloads),
            "identity_transmissions_unique": self.identity_transmissions_unique,
            "other_messages": other,
            "messages_unique_by_type": dict(sorted(self.unique_by_type.items(), key=lambda kv: _type_key(kv[0]))),
            "messages_received_valid_by_type": dict(
                sorted(self.received_valid_by_type.items(), key=lambda kv: _type_key(kv[0]))
            ),
            "not_available": {
                k: self.na.get(k, 0)
                for k in (
                    "no_position",
                    "heading_511",
                    "sog_na",
                    "cog_na",
                    "second_60",
                    "second_61",
                    "second_62",
                    "second_63",
                )
            },
            "receptions_by_station": dict(sorted(self.receptions_by_station.items())),
            "sentences_by_talker": dict(sorted(self.sentences_by_talker.items())),
            "stations": [
                {
                    "name": s.name,
                    "lat": None if s.satellite else s.lat,
                    "lon": None if s.satellite else s.lon,
                    "talker": s.talker,
                    "base_station_mmsi": s.mmsi or None,
                    "satellite": s.satellite,
                }
                for s in scenario.stations
            ],
            "atons": [
                {"mmsi": a.mmsi, "name": a.name, "lat": a.lat, "lon": a.lon, "virtual": a.virtual}
                for a in scenario.atons
            ],
            "vessels": vessels,
            "events": [e.to_dict(t0) for e in scenario.events],
            "decoys": [e.to_dict(t0) for e in scenario.decoys],
            "definitions": _definitions(scenario),
        }


def _type_key(k: str) -> tuple[int, str]:
    digits = "".join(ch for ch in k if ch.isdigit())
    return int(digits or 0), k


DEFINITIONS: dict[str, str] = {
    "line": "one '\\n'-terminated line of the file; a complete two-part message is two lines",
    "lines_total": "sentences_valid + bad_checksum + bad_tagblock_checksum + truncated + junk + non_ais_nmea",
    "sentences_valid": "AIVDM/BSVDM/ABVDM lines whose tag-block and sentence checksums both verify and whose fields "
    "are complete: both parts of two-part messages, orphan part-1 fragments and duplicate "
    "receptions included",
    "duplicate_receptions": "valid complete messages that repeat a transmission already received by another "
    "station (same payload, other s:, c: 0-2 s later); a two-part duplicate counts once",
    "bad_checksum": "lines whose sentence checksum does not match (one payload character corrupted)",
    "bad_tagblock_checksum": "lines whose tag-block checksum does not match (sentence itself intact)",
    "truncated": "lines cut in the middle of the payload (no fill bits, no checksum)",
    "junk": "lines that are not NMEA at all",
    "non_ais_nmea": "valid NMEA lines that are not AIS ($GPRMC, $GPGGA) with a valid tag block",
    "orphan_fragments": "part 1 of a two-part message whose part 2 never comes (the message is lost)",
    "lost_to_line_noise": "transmissions received once whose only line is corrupted, truncated or an orphan",
    "position_reports_unique": "distinct valid position reports of types 1, 2, 3, 18, 19, 27 with a valid position "
    "after merging duplicate receptions; each is also a distinct (MMSI, payload) as long "
    "as a transmitter sends fewer than 10,000 reports (GNSS-noise digits cycle then)",
    "position_reports_no_position": "the same with latitude 91 / longitude 181 (no position available)",
    "identity_reports_unique": "distinct (MMSI, payload) among valid complete messages of types 5, 19, 24A, 24B; "
    "a vessel repeating identical static data every 6 min counts once",
    "identity_transmissions_unique": "valid transmissions of types 5, 19, 24A, 24B after merging duplicate "
    "receptions (repeats of identical static data counted each time)",
    "other_messages": "valid transmissions of other types (4, 8, 21) after merging duplicate receptions",
    "messages_unique_by_type": "valid transmissions per type after merging duplicates (24A/24B separate)",
    "messages_received_valid_by_type": "valid complete messages per type, duplicate receptions included",
    "not_available": "among position_reports_unique + position_reports_no_position: counts of not-available "
    "values (heading 511, SOG 102.3 / type 27: 63, COG 360 / type 27: 511, time stamp 60-63)",
    "vessels.position_reports": "position_reports_unique per transmitter (two transmitters may share an MMSI)",
    "events": "true injected events: loitering (<2 kn for hours in a small area >=10 km from any port), dark "
    "(transmitter off; lat/lon where it stopped), rendezvous (two vessels within 500 m, both <2 kn, "
    ">=10 km from port); start/end UTC; zone = patrol zone containing lat/lon or null",
    "decoys": "look-alikes that are not events: passing ships, port side-by-side / bunkering at anchor, active "
    "pair fishing at 3-5 kn, receiver outage (no reception within radius_m), shared MMSI",
}

#: Definitions of the decoys added for issue 10, written only when the scenario has them (so the
#: default scenario's truth file is unchanged).
GAP_AND_PORT_DEFINITIONS: dict[str, str] = {
    "decoys.area_outage": "a coverage gap, not a dark period: the vessels in mmsis (fishing within ~30 km of each "
    "other, far offshore) are all unheard between start and end because no receiver hears the area within "
    "radius_m of lat/lon; their transmitters stay on. nearest_other_km: closest any other vessel comes to the "
    "area's centre meanwhile. No dark_period with confidence >= 0.5 is expected for them",
    "decoys.lone_silence": "a lone vessel far offshore unheard between start and end (no receiver hears within "
    "radius_m; transmitter on); nearest_other_km as for area_outage. No confident dark_period is expected",
    "decoys.port_stay": "vessels (mmsis) berthed at a port (port_kind port, with its World Port Index wpi_number) or "
    "at anchor at a listed anchorage within 10 km of one, all day; no loitering or rendezvous is expected",
    "decoys.unlisted_anchorage": "vessels (mmsis) at anchor all day within radius_m of lat/lon, an anchorage in no "
    "port list (nearest_wpi_port_km from the nearest WPI port): only learnable from the data. Once learned, no "
    "loitering or rendezvous is expected there; bunkering: a ship there and the bunker tanker moored alongside it "
    "all day (a rendezvous unless the anchorage is learned)",
}


def _definitions(scenario: Scenario) -> dict[str, str]:
    kinds = {f"decoys.{d.kind}" for d in scenario.decoys}
    kinds |= {f"events.{e.kind}" for e in scenario.events}
    extra = {k: v for k, v in {**GAP_AND_PORT_DEFINITIONS, **FISHING_DEFINITIONS}.items() if k in kinds}
    return {**DEFINITIONS, **extra} if extra else DEFINITIONS
