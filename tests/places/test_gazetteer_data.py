"""The shipped gazetteer file: coverage, attribution, and coordinates inside their countries."""

from __future__ import annotations

from importlib import resources

import pytest

from ka2forms.places._data import gazetteer

# rough bounding boxes (lat_min, lat_max, lon_min, lon_max): a swapped lat/lon in the data would fall outside
BOXES = {
    "SI": (45.4, 46.9, 13.3, 16.7),
    "DE": (47.2, 55.1, 5.8, 15.1),
    "PT": (32.5, 42.2, -31.3, -6.1),
    "IS": (63.2, 66.6, -24.6, -13.4),
    "CY": (34.5, 35.8, 32.2, 34.7),
    "GF": (2.1, 5.8, -54.7, -51.5),
}


def test_file_is_small_and_attributed() -> None:
    blob = resources.files("ka2forms.places").joinpath("data", "gazetteer.bin").read_bytes()
    assert len(blob) < 6_000_000
    header = gazetteer().header
    assert "CC BY 4.0" in header["licence"] and "GeoNames" in header["source"]


def test_coverage() -> None:
    g = gazetteer()
    per_country: dict[str, int] = {}
    for i in range(len(g)):
        per_country[g.cc(i)] = per_country.get(g.cc(i), 0) + 1
    assert len(g) > 120_000
    assert per_country["SI"] > 500 and per_country["DE"] > 10_000 and per_country["LI"] >= 10
    assert per_country["GF"] >= 10 and per_country["XK"] > 20
    # outside Europe, only places of at least 15 000 inhabitants
    assert min(g.population[i] for i in range(len(g)) if g.cc(i) == "BR") >= 15_000


@pytest.mark.parametrize("cc", sorted(BOXES))
def test_places_fall_inside_their_country(cc: str) -> None:
    g = gazetteer()
    lat0, lat1, lon0, lon1 = BOXES[cc]
    outside = [
        g.name(i)
        for i in range(len(g))
        if g.cc(i) == cc and not (lat0 <= g.lat(i) <= lat1 and lon0 <= g.lon(i) <= lon1)
    ]
    assert outside == []


def test_postings_sorted_by_population() -> None:
    g = gazetteer()
    rows = g.rows_for_key("frankfurt")
    assert [g.population[r] for r in rows] == sorted((g.population[r] for r in rows), reverse=True)
