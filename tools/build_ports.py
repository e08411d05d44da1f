"""Build ``maritime/reference/data/world_port_index.csv`` from the World Port Index (developer tool).

**Not part of the package.** Reads the 15-column extract of NGA Publication 150 kept in the
shared reference folder (``../shared/reference/wpi/world_port_index.csv`` beside the checkout,
with its ``PROVENANCE.md``) and writes every one of its 3,803 ports, unchanged, in the columns
``maritime.reference.ports.load_ports`` reads:

``wpi_number,name,country,lat,lon,kind,unlocode,harbor_size,harbor_type``

- ``country`` becomes ISO 3166-1 alpha-2: the country of the port's UN/LOCODE (its first two
  letters), else the code most of that WPI country's ports carry, else :data:`EXTRA_ISO2`.
- ``kind`` is ``port`` (WPI lists no anchorages as separate points).

Usage::

    python tools/build_ports.py [--wpi ../shared/reference/wpi/world_port_index.csv]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
DEFAULT_WPI = REPO.parent / "shared" / "reference" / "wpi" / "world_port_index.csv"
DEFAULT_OUT = REPO / "maritime" / "reference" / "data" / "world_port_index.csv"

#: WPI countries none of whose ports has a UN/LOCODE.
EXTRA_ISO2 = {
    "Gibraltar": "GI",
    "Johnson Atoll": "UM",
    "Midway Islands": "UM",
    "Norfolk Island": "NF",
    "Palau": "PW",
    "Wake Island": "UM",
}

COLUMNS = ["wpi_number", "name", "country", "lat", "lon", "kind", "unlocode", "harbor_size", "harbor_type"]


def build(wpi: Path, out: Path) -> pd.DataFrame:
    df = pd.read_csv(wpi, keep_default_na=False, na_values=[""], dtype={"unlocode": str})
    code = df["unlocode"].str[:2]
    majority = code.groupby(df["country"]).agg(lambda s: s.value_counts().index[0] if s.notna().any() else None)
    iso = code.fillna(df["country"].map(majority)).fillna(df["country"].map(EXTRA_ISO2))
    missing = sorted(set(df.loc[iso.isna(), "country"]))
    if missing:
        raise SystemExit(f"no ISO 3166 code for WPI countries: {', '.join(missing)}")
    df["country"] = iso
    df["kind"] = "port"
    df[COLUMNS].to_csv(out, index=False, float_format="%.6f")
    print(f"wrote {out}: {len(df)} ports, {df['country'].nunique()} countries ({out.stat().st_size / 1e3:.0f} kB)")
    return df


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--wpi", type=Path, default=DEFAULT_WPI)
    ap.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    build(args.wpi, args.out)


if __name__ == "__main__":
    main()
