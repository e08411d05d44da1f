"""The bundled patrol zones and the zone loader's errors (maritime.reference.zones)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from maritime.reference.zones import load_zones, zone_of


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
