"""Seeded, realistic Eastern Pacific AIS scenario generator: a DEVELOPER TOOL.

Tests and benchmarks use it to make recordings with a known ground truth; ingest, detection,
the live process and the dashboard never import it (it may import only layers 0-2:
``maritime.errors``, ``maritime.geodesy``, ``maritime.reference`` and the like).

``python -m maritime.scenario --seed 7 --hours 24 --out fixtures/ais/eastern_pacific_sample.nmea.gz``
writes a recording and ``<out>.truth.json``.

Modules, in the order data flows:

- :mod:`~maritime.scenario.config`: parameters (:class:`ScenarioConfig`, :class:`NoiseConfig`),
  constants and record kinds.
- :mod:`~maritime.scenario.geography`: receivers, aids to navigation, sea lanes and trades (bundled
  tables in ``data/``), metre-based geodesy helpers.
- :mod:`~maritime.scenario.tracks`: piecewise-linear trajectories.
- :mod:`~maritime.scenario.model`: the built scenario (:class:`Scenario`, :class:`Vessel`,
  :class:`ScenarioEvent`).
- :mod:`~maritime.scenario.fleet`: made-up identities and the scenario builder.
- :mod:`~maritime.scenario.traffic`, :mod:`~maritime.scenario.events`: ordinary traffic; injected
  events and decoys; :mod:`~maritime.scenario.build`: :func:`build_scenario`.
- :mod:`~maritime.scenario.hashing`, :mod:`~maritime.scenario.receptions`,
  :mod:`~maritime.scenario.messages`: who hears which transmission (:func:`iter_batches`).
- :mod:`~maritime.scenario.nmea_writer`: NMEA lines and the ground truth; :mod:`~maritime.scenario.positions`:
  the clean position rows as Arrow tables, for benchmarks.

The generator is pure: it writes no file except through :func:`write_recording`; the only files it
reads are its bundled tables and the reference ports and zones.

Units used throughout: time in seconds (``t`` relative to the scenario start, ``c`` as UTC unix
seconds), distances in metres, speeds in knots, angles in degrees true, positions in WGS84
decimal degrees. In the raw AIS fields of :class:`ReceptionBatch` the ITU-R M.1371-5 units are
kept: ``lat_i``/``lon_i`` in 1/10 000 minute (1/10 minute for type 27), ``sog_i`` in 0.1 knot
(1023 = not available), ``cog_i`` in 0.1 degree (3600 = not available), ``heading`` in degrees
(511 = not available), ``second`` 0-59 or 60-63 (not available / manual / dead reckoning /
positioning system inoperative).

Reporting rates. A Class A transponder transmits every 2-10 s underway and every 3 min at
anchor or moored (ITU-R M.1371-5 table 1); a Class B CS unit every 30 s above 2 kn and every
3 min below. Writing every transmission would make a day of 200 ships several hundred MB, so
the scenario models the *received* rate that a shore network delivers after its usual
de-duplication and rate limiting: one Class A report every 60-120 s underway (per vessel),
one Class B report every 90-180 s underway, one report about every 3 min when stationary,
static/voyage data (type 5, types 24A/24B) every ~6 min as transmitted. Shore stations hear
Class A out to ~40 nm (74 km) and Class B to ~20 nm (37 km). Out of shore range, two satellites
(``rSAT-1``, ``rSAT-2``) deliver reports only during their passes (12 min every 98 min each),
so offshore vessels show the patchy coverage of real satellite AIS.
"""

from maritime.scenario.build import build_scenario
from maritime.scenario.config import Kind, NoiseConfig, ScenarioConfig
from maritime.scenario.messages import iter_batches
from maritime.scenario.model import Scenario, ScenarioEvent, Vessel
from maritime.scenario.nmea_writer import generate_lines, truth_path_for, write_recording
from maritime.scenario.receptions import ReceptionBatch
from maritime.scenario.truth import Truth

__all__ = [
    "Kind",
    "NoiseConfig",
    "ReceptionBatch",
    "Scenario",
    "ScenarioConfig",
    "ScenarioEvent",
    "Vessel",
    "Truth",
    "build_scenario",
    "iter_batches",
    "generate_lines",
    "truth_path_for",
    "write_recording",
]
