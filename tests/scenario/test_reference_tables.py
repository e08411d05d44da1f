"""The reference ports and zones the scenario is built on (maritime.reference.ports, maritime.reference.zones).

These test maritime.reference, not the scenario: they belong in tests/reference/ (not owned by the
scenario work; the lead moves them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from maritime.reference.ports import load_ports
from maritime.reference.zones import load_zones, zone_of


def test_ports_table() -> None:
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


def test_bundled_zones() -> None:
    zones = load_zones()
    names = [n for n, _ in zones]
    for n in (
        "Galápagos Marine Reserve",
        "Cocos Island marine area",
        "Malpelo",
        "Gorgona",
        "Gulf of Panama",
        "Colombia–Ecuador border waters",
        "Northern Peru (Paita–Talara offshore)",
        "High-seas corridor Galápagos–mainland",
    ):
        assert n in names, n
    assert zone_of(-0.75, -90.5, zones) == "Galápagos Marine Reserve"  # between Santa Cruz and Isabela
    assert zone_of(-0.4, -86.0, zones) is None or zone_of(-0.4, -86.0, zones).startswith("High-seas")
    assert zone_of(-12.05, -77.2, zones) is None  # Callao


@pytest.mark.parametrize(
    "feature, message",
    [
        (
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
            },
            "has no 'name'",
        ),
        (
            {"type": "Feature", "properties": {"name": "pt"}, "geometry": {"type": "Point", "coordinates": [0, 0]}},
            "not a Polygon",
        ),
    ],
)
def test_zone_loader_errors(tmp_path: Path, feature: dict, message: str) -> None:
    f = tmp_path / "z.geojson"
    f.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    with pytest.raises(ValueError, match=message) as exc:
        load_zones(f)
    assert "\n" not in str(exc.value)
