"""Detection on a Dask cluster over the Parquet archive (``maritime detect --engine dask``).

A thin adapter: it reads the archive, moves data between workers with Dask (``from_map``,
``shuffle``, ``Client.map``), and calls the same pure functions as the single-machine run
(``inputs.tracks_from_columns``, ``compose``'s detectors, ``partition``). What is split where, and
why the result equals the single-machine one, is explained in ``maritime.detect.partition``.

Steps, each a set of Dask tasks:

1. File statistics: rows, first and last time, receiver names (→ "now", the reception key
   layout and receiver codes shared by every task); the identity history, rebuilt from the
   archived identity reports (``maritime.archive.identity``), on the client.
2. Positions are shuffled by MMSI (MMSIs linked by an IMO number together,
   ``partition.identity_groups``) into vessel partitions of ~``rows_per_partition`` reports,
   written as scratch Parquet under ``DEST/_maritime/scratch/`` (so that memory is bounded by
   a partition, not by the archive).
3. Per vessel partition: the reception model of its vessels; the models are added up.
4. Per vessel partition: tracks, loitering, dark periods (with the whole area's reception),
   identity conflicts, apparent fishing (with the ship types of the archive's vessels
   files), identity changes and claimed type and size changes (each partition's share of
   the identity history), and the rendezvous grid points with their halo copies (scratch).
5. Grid points are shuffled by (time window, cell); per partition the close pairs.
6. On the client: pairs → rendezvous events, loitering explained by a rendezvous removed,
   zones assigned; events written to ``DEST/events/part-detect.parquet``.
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from maritime.archive.identity import archive_identity_changes
from maritime.archive.layout import (
    EVENTS,
    POSITIONS,
    STATE,
    VESSELS,
    Archive,
    ArchiveError,
    list_files,
    part_name,
    write_parquet,
)
from maritime.detect.compose import VesselEvents, combine, identity_events, vessel_events
from maritime.detect.config import DetectConfig, load_config
from maritime.detect.events import EVENT_COLUMNS, Event, assign_zones
from maritime.detect.fishing import fold_ship_types
from maritime.detect.identity_change import IdentityChanges
from maritime.detect.inputs import ZonesArg, position_columns, tracks_from_columns, zones_rows
from maritime.detect.partition import (
    CELL_DEG,
    WINDOW_HOURS,
    changes_of,
    grid_groups,
    group_keys,
    identity_groups,
    pairs_by_group,
    vessel_partitions,
)
from maritime.detect.reception import Reception, bin_range, merge_receptions, reception_model
from maritime.detect.rendezvous import GRID_FIELDS, pair_events, slow_grid
from maritime.detect.tracks import Tracks, prepare_tracks

#: Reports per vessel partition: ~1 GB of worker memory through track preparation.
ROWS_PER_PARTITION = 2_000_000
#: Columns read from the archive's positions.
READ_COLUMNS = ["mmsi", "ts", "lat", "lon", "sog", "cog", "msg_type", "station", "payload_hash"]
#: The numeric columns that travel between workers (receivers as codes, nulls as NaN / -1).
VESSEL_META = pd.DataFrame(
    {
        "mmsi": pd.Series(dtype="int64"),
        "t_us": pd.Series(dtype="int64"),
        "lat": pd.Series(dtype="float64"),
        "lon": pd.Series(dtype="float64"),
        "sog": pd.Series(dtype="float32"),
        "cog": pd.Series(dtype="float32"),
        "msg_type": pd.Series(dtype="int16"),
        "station_code": pd.Series(dtype="int32"),
        "payload_hash": pd.Series(dtype="uint64"),
        "key": pd.Series(dtype="int64"),  # the vessel partition key (partition.group_keys)
    }
)
GRID_DTYPES = {
    "mmsi": "int64",
    "segk": "int64",
    "bin": "int64",
    "lat": "float64",
    "lon": "float64",
    "speed": "float64",
    "long": "bool",
    "port_km": "float64",
    "n_lt": "int64",
    "n_le": "int64",
    "last_t": "float64",
}
#: Arrow type of each column of the ``events`` table (:data:`EVENT_COLUMNS`).
_EVENT_TYPES = {
    "event_id": pa.string(),
    "kind": pa.string(),
    "mmsi": pa.int32(),
    "other_mmsi": pa.int32(),
    "start_time": pa.timestamp("us", "UTC"),
    "end_time": pa.timestamp("us", "UTC"),
    "lat": pa.float64(),
    "lon": pa.float64(),
    "zone": pa.string(),
    "confidence": pa.float64(),
    "details": pa.string(),
    "updated_at": pa.timestamp("us", "UTC"),
}
EVENT_SCHEMA = pa.schema([(c, _EVENT_TYPES[c]) for c in EVENT_COLUMNS])


class ClusterError(ArchiveError):
    """The cluster run cannot start or finish; the message is one line for people."""


@dataclass
class ClusterSummary:
    """What one cluster run did."""

    positions: int = 0
    files: int = 0
    vessel_partitions: int = 0
    grid_points: int = 0  #: rendezvous grid points, halo copies included
    pair_groups: int = 0
    close_pairs: int = 0
    halo_pairs: int = 0  #: close pairs whose partner was a halo copy
    segments: int = 0
    now: float | None = None
    events: list[Event] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  #: wall time per stage
    task_seconds: dict[str, list[float]] = field(default_factory=dict)  #: per-partition task times

    def lines(self) -> list[str]:
        kinds: dict[str, int] = {}
        for e in self.events:
            kinds[e.kind] = kinds.get(e.kind, 0) + 1
        out = [
            f"positions read {self.positions:,} from {self.files:,} files in {self.vessel_partitions} vessel "
            f"partitions; {self.segments:,} track segments",
            f"rendezvous grid {self.grid_points:,} points in {self.pair_groups} partitions; "
            f"{self.close_pairs:,} close pairs ({self.halo_pairs:,} across a cell edge)",
            "events: " + (", ".join(f"{k} {n:,}" for k, n in sorted(kinds.items())) or "none"),
            "time " + ", ".join(f"{k} {v:.1f} s" for k, v in self.seconds.items()),
        ]
        return out


# -- tasks (run on workers; plain functions of their arguments) ----------------------------------


def _file_stats(arch: Archive, path: str) -> tuple[int, int | None, int | None, list[str]]:
    tb = pq.read_table(path, filesystem=arch.fs, columns=["ts", "station"])
    if tb.num_rows == 0:
        return 0, None, None, []
    ts = tb.column("ts").cast(pa.int64())
    mm = pc.min_max(ts).as_py()
    names = pc.unique(tb.column("station").drop_null()).to_pylist()
    return tb.num_rows, mm["min"], mm["max"], names


def _read_positions(path: str, arch: Archive, names: list[str], groups: dict[int, int]) -> pd.DataFrame:
    """One archive file as the numeric columns of :data:`VESSEL_META`."""
    tb = pq.read_table(path, filesystem=arch.fs, columns=READ_COLUMNS)
    st = tb.column("station")
    code = pc.index_in(st, value_set=pa.array(names, pa.string()))
    mmsi = tb.column("mmsi").to_numpy().astype(np.int64)
    return pd.DataFrame(
        {
            "mmsi": mmsi,
            "t_us": tb.column("ts").cast(pa.int64()).to_numpy(),
            "lat": tb.column("lat").to_numpy(),
            "lon": tb.column("lon").to_numpy(),
            "sog": tb.column("sog").fill_null(np.nan).to_numpy().astype(np.float32),
            "cog": tb.column("cog").fill_null(np.nan).to_numpy().astype(np.float32),
            "msg_type": tb.column("msg_type").fill_null(-1).to_numpy().astype(np.int16),
            "station_code": code.fill_null(-1).to_numpy().astype(np.int32),
            "payload_hash": tb.column("payload_hash").to_numpy().astype(np.uint64),
            "key": group_keys(mmsi, groups),
        }
    )


def _write_partition(
    df: pd.DataFrame, arch: Archive, folder: str, partition_info: dict[str, Any] | None = None
) -> pd.DataFrame:
    n = (partition_info or {}).get("number", 0)
    path = arch.path(folder, f"part-{n:05d}.parquet")
    rows = write_parquet(arch, path, pa.Table.from_pandas(df, preserve_index=False))
    return pd.DataFrame({"path": [path], "rows": [rows]})


def _tracks(arch: Archive, path: str, names: list[str], config: DetectConfig, now: float) -> Tracks:
    """The tracks of one vessel partition, in the order the single-machine run reads them; a
    transmission archived twice (by two origins) counts once."""
    tb = pq.read_table(path, filesystem=arch.fs)
    tb = tb.sort_by([("mmsi", "ascending"), ("t_us", "ascending"), ("payload_hash", "ascending")])
    key = [tb.column(c).to_numpy() for c in ("mmsi", "t_us", "payload_hash")]
    again = np.zeros(tb.num_rows, dtype=bool)
    again[1:] = (key[0][1:] == key[0][:-1]) & (key[1][1:] == key[1][:-1]) & (key[2][1:] == key[2][:-1])
    if again.any():
        tb = tb.filter(pa.array(~again))
    cols = position_columns(tb)
    del tb, key
    return tracks_from_columns(cols, names, config, now)


def _reception(
    arch: Archive, path: str, names: list[str], config: DetectConfig, now: float, bins: tuple[int, int]
) -> Reception:
    tr = _tracks(arch, path, names, config, now)
    return reception_model(tr, config.dark, bins)


def _vessel_events(
    arch: Archive,
    path: str,
    names: list[str],
    config: DetectConfig,
    now: float,
    reception: Reception,
    grid_folder: str,
    cell_deg: float,
    window_hours: float,
    anchorages: npt.NDArray[np.float64],
    zones: Sequence[tuple[str, Any]] = (),
    ship_types: dict[int, int] | None = None,
    identity: tuple[IdentityChanges, dict[int, int]] | None = None,
) -> dict[str, Any]:
    t0 = time.perf_counter()
    tr = _tracks(arch, path, names, config, now)
    tr.anchorages = anchorages
    found = vessel_events(tr, config, reception=_aligned(reception), zones=zones, ship_types=ship_types)
    keys = np.unique(group_keys(tr.mmsi, identity[1] if identity else {}))
    fleet = [] if identity is None else identity_events(tr, changes_of(identity[0], keys, identity[1]), config)
    grid = slow_grid(tr, config.rendezvous)
    idx, group, core = grid_groups(
        grid["lat"], grid["lon"], grid["bin"], config.rendezvous.grid_minutes, cell_deg, window_hours
    )
    cols = {k: grid[k][idx] for k in GRID_FIELDS}
    cols["group"] = group
    cols["core"] = core
    out = arch.path(grid_folder, path.rsplit("/", 1)[-1])
    write_parquet(arch, out, pa.table(cols))
    return {
        "events": found,
        "identity": fleet,  # identity changes, claimed type and size changes (compose.identity_events)
        "keys": keys,
        "grid": out,
        "grid_rows": len(idx),
        "positions": len(tr),
        "segments": tr.n_segments,
        "seconds": time.perf_counter() - t0,
    }


def _ship_types(arch: Archive, config: DetectConfig) -> dict[int, int]:
    """Declared ship type per MMSI from the archive's vessels files (every origin), folded as
    the single-machine run folds its ``vessels`` table."""
    files = list_files(arch, VESSELS)
    if not files:
        return {}
    tbs = [pq.read_table(f, filesystem=arch.fs, columns=["mmsi", "ship_type"]) for f in files]
    tb = pa.concat_tables(tbs)
    return fold_ship_types(
        tb.column("mmsi").to_numpy(zero_copy_only=False), tb.column("ship_type").to_pylist(), config.fishing
    )


def _unheard_identities(
    changes: IdentityChanges | None, groups: dict[int, int], res: list[dict[str, Any]], config: DetectConfig, now: float
) -> list[Event]:
    """Identity events of the MMSIs in no vessel partition (identity reports, no position):
    the single-machine run finds no report of theirs either."""
    if changes is None:
        return []
    done = np.concatenate([r["keys"] for r in res]) if res else np.zeros(0, dtype=np.int64)
    rest = np.setdiff1d(group_keys(changes.mmsi, groups), done)
    if len(rest) == 0:
        return []
    none = prepare_tracks(np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0), now=now)
    return identity_events(none, changes_of(changes, rest, groups), config)


def _aligned(rec: Reception) -> Reception:
    """``rec`` with memory-aligned arrays. Arrays that arrive from another worker can sit at
    unaligned offsets of the network buffer, and numpy then copies the whole array on every
    ``searchsorted`` (measured: 15 s instead of 0.2 s for one partition's dark periods)."""
    fields = {k: np.require(getattr(rec, k), requirements=("A", "C")) for k in Reception.array_fields()}
    return dataclasses.replace(rec, **fields)


def _read_grid(path: str, arch: Archive) -> pd.DataFrame:
    df: pd.DataFrame = pq.read_table(path, filesystem=arch.fs).to_pandas()
    return df


def _pairs(df: pd.DataFrame, config: DetectConfig) -> pd.DataFrame:
    grid = {k: df[k].to_numpy() for k in GRID_FIELDS}
    pt = pairs_by_group(grid, df["group"].to_numpy(), df["core"].to_numpy(), config.rendezvous)
    return pd.DataFrame(pt)


def _pairs_meta() -> pd.DataFrame:
    cols = {"d": "float64", "bin": "int64"}
    for k, dt in GRID_DTYPES.items():
        if k != "bin":
            cols[k + "_a"] = dt
            cols[k + "_b"] = dt
    cols["core_b"] = "bool"
    return pd.DataFrame({k: pd.Series(dtype=v) for k, v in cols.items()})


# -- the run ---------------------------------------------------------------------------------


def detect_on_cluster(
    client: Any,  # a dask.distributed.Client (dask ships no type information)
    arch: Archive,
    zones: ZonesArg = None,
    config: DetectConfig | None = None,
    rows_per_partition: int = ROWS_PER_PARTITION,
    cell_deg: float = CELL_DEG,
    window_hours: float = WINDOW_HOURS,
    anchorages: npt.NDArray[np.float64] | None = None,
) -> ClusterSummary:
    """Detect every event over the archive's positions on the Dask ``client``'s cluster and
    write them to ``DEST/events/part-detect.parquet``.

    The events equal those of ``runner.run_detection`` on a database holding the same
    positions (a full run). ``anchorages``: the learned anchorage points (n, 2) the detectors
    treat as ports (``maritime.detect.anchorage_store.refresh_anchorages`` of the database).
    Raises :class:`ClusterError` when the archive has no positions.
    """
    import dask.dataframe as dd

    cfg = config or load_config()
    zone_list, _ = zones_rows(zones)
    summary = ClusterSummary()
    t0 = time.perf_counter()
    files = list_files(arch, POSITIONS)
    if not files:
        raise ClusterError(
            f"no positions in archive {arch.url}: run `maritime archive` or `maritime ingest --archive` first"
        )
    stats = client.gather(client.map(_file_stats, [arch] * len(files), files, pure=False))
    total = sum(s[0] for s in stats)
    firsts = [s[1] for s in stats if s[1] is not None]
    if not firsts:
        raise ClusterError(f"the positions files of archive {arch.url} are empty")
    now = max(s[2] for s in stats if s[2] is not None) / 1e6
    t_min = min(firsts) / 1e6
    names = sorted({n for s in stats for n in s[3]})
    summary.files, summary.positions, summary.now = len(files), total, now
    changes = archive_identity_changes(arch)  # the identity history, rebuilt in one pass
    groups = identity_groups(changes)
    summary.seconds["statistics"] = time.perf_counter() - t0

    scratch = f"{STATE}/scratch/{uuid.uuid4().hex[:12]}"
    try:
        # -- 2. positions grouped by vessel
        t = time.perf_counter()
        nparts = vessel_partitions(total, rows_per_partition)
        ddf = dd.from_map(  # type: ignore[no-untyped-call]  # dask is untyped
            _read_positions, files, arch=arch, names=names, groups=groups, meta=VESSEL_META, enforce_metadata=False
        )
        ddf = ddf.shuffle("key", npartitions=nparts)
        written = ddf.map_partitions(
            _write_partition,
            arch,
            f"{scratch}/vessels",
            meta=pd.DataFrame({"path": pd.Series(dtype="object"), "rows": pd.Series(dtype="int64")}),
        ).compute()
        parts = [p for p, n in zip(written["path"], written["rows"]) if n > 0]
        summary.vessel_partitions = len(parts)
        summary.seconds["shuffle by vessel"] = time.perf_counter() - t

        # -- 3. reception over the whole area
        t = time.perf_counter()
        bins = bin_range(t_min, now, cfg.dark.bin_minutes * 60.0)
        n = len(parts)
        partial = client.map(_reception, [arch] * n, parts, [names] * n, [cfg] * n, [now] * n, [bins] * n, pure=False)
        reception = client.submit(merge_receptions, partial, pure=False)
        reception.result()
        summary.seconds["reception"] = time.perf_counter() - t

        # -- 4. per-vessel detectors and the rendezvous grid
        t = time.perf_counter()
        # a list of one, so that Dask sends the mapping whole (a dict would be scattered by key)
        types = client.scatter([_ship_types(arch, cfg)], broadcast=True)[0]
        ident = None if changes is None else client.scatter([(changes, groups)], broadcast=True)[0]
        res = client.gather(
            client.map(
                _vessel_events,
                [arch] * n,
                parts,
                [names] * n,
                [cfg] * n,
                [now] * n,
                [reception] * n,
                [f"{scratch}/grid"] * n,
                [cell_deg] * n,
                [window_hours] * n,
                [np.zeros((0, 2)) if anchorages is None else anchorages] * n,
                [zone_list] * n,
                [types] * n,
                [ident] * n,
                pure=False,
            )
        )
        del partial, reception, types, ident
        found = VesselEvents()
        for r in res:
            found.extend(r["events"])
        fleet = [e for r in res for e in r["identity"]] + _unheard_identities(changes, groups, res, cfg, now)
        summary.segments = sum(r["segments"] for r in res)
        summary.grid_points = sum(r["grid_rows"] for r in res)
        summary.seconds["vessels"] = time.perf_counter() - t
        summary.task_seconds["vessels"] = [r["seconds"] for r in res]

        # -- 5. close pairs per time window and cell
        t = time.perf_counter()
        grids = [r["grid"] for r in res if r["grid_rows"]]
        if grids:
            gparts = vessel_partitions(summary.grid_points, rows_per_partition)
            gdf = dd.from_map(
                _read_grid,  # type: ignore[no-untyped-call]  # dask is untyped
                grids,
                arch=arch,
                enforce_metadata=False,
            )
            gdf = gdf.shuffle("group", npartitions=gparts)
            summary.pair_groups = gparts
            pairs = gdf.map_partitions(_pairs, cfg, meta=_pairs_meta()).compute()
        else:
            pairs = _pairs_meta()
        summary.close_pairs = len(pairs)
        summary.halo_pairs = int((~pairs["core_b"].astype(bool)).sum()) if len(pairs) else 0
        pt = {k: pairs[k].to_numpy() for k in pairs.columns}
        summary.seconds["pairs"] = time.perf_counter() - t
    finally:
        _remove_scratch(arch, scratch)

    # -- 6. events
    t = time.perf_counter()
    events = combine(found, pair_events(pt, now, cfg.rendezvous), cfg, now, fleet)
    assign_zones(events, zone_list)
    events.sort(key=lambda e: e.event_id)
    write_events(arch, events)
    summary.events = events
    summary.seconds["events"] = time.perf_counter() - t
    return summary


def event_table(events: list[Event], written_at: datetime | None = None) -> pa.Table:
    """Events as an Arrow table with the columns of the ``events`` table."""
    wall = written_at or datetime.now(UTC)
    rows = [e.row() + (wall,) for e in events]
    cols: list[Sequence[Any]] = list(zip(*rows)) if rows else [[] for _ in EVENT_SCHEMA]
    return pa.table([pa.array(list(c), type=f.type) for c, f in zip(cols, EVENT_SCHEMA)], schema=EVENT_SCHEMA)


def write_events(arch: Archive, events: list[Event]) -> int:
    """Replace the cluster's events file in the archive (atomically)."""
    return write_parquet(arch, arch.path(EVENTS, part_name("detect")), event_table(events))


def _remove_scratch(arch: Archive, scratch: str) -> None:
    try:
        arch.fs.delete_dir(arch.path(scratch))
    except (FileNotFoundError, OSError):
        pass
