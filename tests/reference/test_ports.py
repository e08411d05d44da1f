"""Bundled ports tables (maritime.reference.ports)."""

from __future__ import annotations

import pandas as pd
import pytest

from maritime.reference.ports import PORT_COLUMNS, load_ports, load_world_ports, world_port_index_path


def test_world_ports_are_the_pacific_list_then_the_whole_world_port_index():
    pacific = load_ports()
    wpi = load_ports(world_port_index_path())
    both = load_world_ports()
    assert len(pacific) == 95 and len(wpi) == 3803
    assert len(both) == 95 + 3803
    assert list(both.columns) == [*PORT_COLUMNS, "wpi_number"]
    assert both["name"].iloc[:95].tolist() == pacific["name"].tolist()
    assert wpi["wpi_number"].notna().all() and (wpi["kind"] == "port").all()
    assert (pacific["kind"] == "anchorage").sum() >= 10


def test_country_codes_are_iso_alpha2_and_namibia_is_not_missing():
    wpi = load_ports(world_port_index_path())
    assert wpi["country"].str.fullmatch(r"[A-Z]{2}").all()
    assert (wpi["country"] == "NA").sum() >= 2  # Walvis Bay, Lüderitz: "NA" is a code, not a gap
    assert set(wpi.loc[wpi["name"].isin(["Rotterdam", "Hamburg", "Durban"]), "country"]) == {"NL", "DE", "ZA"}
    assert wpi["lat"].between(-90, 90).all() and wpi["lon"].between(-180, 180).all()


def test_custom_table_is_validated(tmp_path):
    p = tmp_path / "p.csv"
    pd.DataFrame({"name": ["X"], "country": ["NO"], "lat": [60.0], "lon": [5.0], "kind": ["buoy"]}).to_csv(p)
    with pytest.raises(ValueError, match="unknown kind"):
        load_ports(p)
    pd.DataFrame({"name": ["X"], "lat": [60.0], "lon": [5.0], "kind": ["port"]}).to_csv(p)
    with pytest.raises(ValueError, match="missing column"):
        load_ports(p)


def test_pacific_ports_table() -> None:
    p = load_ports()
    assert len(p) >= 60
    assert list(p.columns[:5]) == ["name", "country", "lat", "lon", "kind"]
    assert set(p["kind"]) == {"port", "anchorage"}
    names = set(p["name"])
    for n in (
        "Balboa",
        "Buenaventura",
        "Manta",
        "Guayaquil",
        "Callao",
        "Valparaíso",
        "Puerto Ayora",
        "Puerto Baquerizo Moreno",
        "Manzanillo",
        "Puerto Montt",
        "Panama Canal Pacific anchorage",
    ):
        assert n in names, n
    assert p["lat"].between(-45, 33).all() and p["lon"].between(-118, -69).all()
    assert set(p["country"]) >= {"MX", "GT", "SV", "NI", "CR", "PA", "CO", "EC", "PE", "CL"}
