"""travel(): distances, rounding and band edges, call years, green, tpm; travel_many(); geodesic check."""

from __future__ import annotations

import math

import pytest

from ka2forms.errors import AmbiguousPlaceError, RuleNotDefinedError, UnknownPlaceError
from ka2forms.places import haversine_km, haversine_many
from ka2forms.rules.travel import travel_bands
from ka2forms.services import travel as svc
from ka2forms.services.travel import TravelRequest, round_km, travel, travel_many

geodesic = pytest.importorskip("geographiclib.geodesic").Geodesic.WGS84


def km_east(lat: float, lon: float, km: float) -> tuple[float, float]:
    """A point ``km`` (haversine, R = 6371) due east along the parallel, found by bisection."""
    lo, hi = 0.0, 90.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if haversine_km(lat, lon, lat, lon + mid) < km:
            lo = mid
        else:
            hi = mid
    return lat, lon + (lo + hi) / 2


def pair_at(km: float) -> tuple[str, str]:
    lat, lon = km_east(46.0, 14.0, km)
    return "46.0, 14.0", f"{lat:.6f}, {lon:.9f}"


# ───────────── distances ─────────────


def test_haversine_matches_the_reference_file() -> None:
    # places-and-peers.md §2: Ljubljana → Vienna 278.36 km (haversine, R = 6371)
    r = travel("Ljubljana", "Vienna", 2025)
    assert r.distance_km == pytest.approx(278.36, abs=0.01)
    assert (r.band, r.unit_cost_eur) == ("100-499", 211)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Ljubljana", "Vienna"),
        ("Prague", "Vienna"),
        ("Tallinn", "Helsinki"),
        ("Lisbon", "Helsinki"),
        ("Lisbon", "Nicosia"),
        ("Valletta", "Reykjavík"),
        ("Cayenne", "Paris"),
        ("Brno", "Maribor"),
        ("Kraków", "Porto"),
        ("Ljubljana", "Tokyo"),
    ],
)
def test_distances_agree_with_wgs84_geodesic_within_half_a_percent(a: str, b: str) -> None:
    r = travel(a, b, 2025)
    f, t = r.from_place, r.to_place
    reference = geodesic.Inverse(f.lat, f.lon, t.lat, t.lon)["s12"] / 1000
    assert r.distance_km == pytest.approx(reference, rel=0.005)


def test_haversine_many_equals_haversine() -> None:
    pts = [(46.05, 14.5, 48.2, 16.37), (0, 0, 0, 180), (89.9, 0, -89.9, 0), (10, 10, 10, 10)]
    many = haversine_many(*zip(*pts, strict=True))
    assert many == pytest.approx([haversine_km(*p) for p in pts])
    assert haversine_km(0, 0, 0, 180) == pytest.approx(math.pi * 6371.0)


# ───────────── rounding and band edges ─────────────


@pytest.mark.parametrize(
    ("km", "rounded", "band"),
    [
        (99.4, 99, "10-99"),
        (99.6, 100, "100-499"),
        (100.0, 100, "100-499"),
        (99.5, 100, "100-499"),
        (9.4, 9, "0-9"),
        (9.6, 10, "10-99"),
        (499.49, 499, "100-499"),
        (499.5, 500, "500-1999"),
    ],
)
def test_round_half_up_before_banding(km: float, rounded: int, band: str) -> None:
    assert round_km(km) == rounded
    assert travel_bands(2025).band_for(round_km(km)).label == band


@pytest.mark.parametrize(
    ("km", "band", "cost", "near_edge"),
    [
        (99.4, "10-99", 28, True),
        (99.6, "100-499", 211, True),
        (99.9, "100-499", 211, True),
        (100.6, "100-499", 211, False),
        (120.0, "100-499", 211, False),
        (9.3, "0-9", None, False),
        (9.6, "10-99", 28, False),
        (5.0, "0-9", None, False),
        (1999.0, "500-1999", 309, True),
        (2000.0, "2000-2999", 395, True),
    ],
)
def test_band_edges_end_to_end(km: float, band: str, cost: int | None, near_edge: bool) -> None:
    r = travel(*pair_at(km), call_year=2025)
    assert r.distance_km == pytest.approx(km, abs=1e-6)
    assert (r.band, r.unit_cost_eur) == (band, cost)
    assert any("near band edge" in n for n in r.notes) is near_edge


def test_under_10_km_no_grant_and_said() -> None:
    r = travel(*pair_at(4.0), call_year=2025)
    assert r.unit_cost_eur is None and r.band == "0-9"
    assert any("no travel grant" in n for n in r.notes)
    assert any("no-grant rule" in w and "unconfirmed" in w for w in r.warnings)


def test_same_place_twice() -> None:
    r = travel("Ljubljana", "Laibach", 2025)
    assert r.distance_km == 0 and r.band == "0-9" and r.unit_cost_eur is None


# ───────────── call years, green, tpm ─────────────


@pytest.mark.parametrize(
    ("year", "cost"),
    [
        (2014, 180),
        (2016, 180),
        (2017, 180),
        (2020, 180),
        (2021, 180),
        (2023, 180),
        (2024, 211),
        (2025, 211),
        (2026, 211),
    ],
)
def test_each_call_year_100_499(year: int, cost: int) -> None:
    assert travel("Ljubljana", "Vienna", year).unit_cost_eur == cost


@pytest.mark.parametrize(
    ("year", "cost"), [(2016, 1100), (2017, 1300), (2018, 1500), (2023, 1500), (2025, 1735)]
)
def test_each_call_year_8000_plus(year: int, cost: int) -> None:
    r = travel("Lisbon", "Tokyo", year)
    assert r.band == "8000+" and r.unit_cost_eur == cost


@pytest.mark.parametrize(("year", "cost"), [(2016, None), (2017, 20), (2020, 20), (2021, 23), (2024, 28)])
def test_each_call_year_short_trips(year: int, cost: int) -> None:
    r = travel("Ljubljana", "Kranj", year)  # ~ 21 km
    assert 10 <= r.distance_km < 99 and r.unit_cost_eur == cost


def test_green() -> None:
    assert travel("Ljubljana", "Vienna", 2025, green=True).unit_cost_eur == 285
    r = travel("Ljubljana", "Vienna", 2022, green=True)
    assert (r.unit_cost_eur, r.green) == (210, True)
    r = travel("Ljubljana", "Kranj", 2022, green=True)  # no green rate for 10-99 km in 2021-2023
    assert r.unit_cost_eur == 23 and any("no green-travel rate" in n for n in r.notes)
    r = travel("Ljubljana", "Vienna", 2019, green=True)
    assert r.unit_cost_eur == 180 and any("start with call 2021" in n for n in r.notes)


def test_tpm_activity() -> None:
    assert travel("Ljubljana", "Vienna", 2016, activity="tpm").unit_cost_eur == 575
    r = travel("Lisbon", "Helsinki", 2019, activity="tpm")
    assert (r.band, r.unit_cost_eur) == ("2000+", 760)
    assert any("unconfirmed" in w for w in r.warnings)
    r = travel("Ljubljana", "Kranj", 2016, activity="tpm")
    assert (r.band, r.unit_cost_eur) == ("0-99", None)
    with pytest.raises(RuleNotDefinedError):
        travel("Ljubljana", "Vienna", 2022, activity="tpm")


def test_default_year_is_latest_and_said() -> None:
    r = travel("Ljubljana", "Vienna")
    assert r.call_year == 2026
    assert any("latest year the travel rules cover" in n for n in r.notes)
    assert any("unconfirmed" in w for w in r.warnings)
    assert not any("latest year" in n for n in travel("Ljubljana", "Vienna", 2025).notes)


def test_confirmed_rate_has_no_warning() -> None:
    assert travel("Ljubljana", "Vienna", 2025).warnings == ()


def test_uncovered_year_raises() -> None:
    with pytest.raises(RuleNotDefinedError):
        travel("Ljubljana", "Vienna", 2027)


def test_place_errors_name_the_side() -> None:
    with pytest.raises(AmbiguousPlaceError) as e:
        travel("Ljubljana", "Frankfurt", 2025)
    assert e.value.where.field == "to"
    with pytest.raises(UnknownPlaceError) as u:
        travel("Wein", "Ljubljana", 2025)
    assert u.value.where.field == "from"


def test_place_notes_are_carried() -> None:
    r = travel("Cologne", "Cayenne", 2025)
    assert any(n.startswith("from: took Köln") for n in r.notes)
    assert any(n.startswith("to: Cayenne is in French Guiana") for n in r.notes)


def test_to_dict_shape() -> None:
    d = travel("Ljubljana", "46.05, 14.51", 2025).to_dict()
    assert {"from", "to", "distance_km", "band", "unit_cost_eur", "green", "call_year"} <= d.keys()
    assert {"name", "country", "lat", "lon"} <= d["from"].keys() and d["to"]["kind"] == "point"


# ───────────── travel_many ─────────────


def test_travel_many_matches_travel_and_keeps_going_after_errors() -> None:
    pairs = [
        ("Ljubljana", "Vienna"),
        ("Frankfurt", "Praha"),
        TravelRequest("Praha", "Brno", 2019),
        ("Wein", "Graz"),
        TravelRequest("Ljubljana", "Vienna", None, True),
        ("Ljubljana", "Vienna", 2030),
    ]
    out = travel_many(pairs, call_year=2025)
    assert out[0].unit_cost_eur == travel("Ljubljana", "Vienna", 2025).unit_cost_eur  # type: ignore[union-attr]
    assert isinstance(out[1], AmbiguousPlaceError)
    assert out[2].call_year == 2019 and out[2].unit_cost_eur == 180  # type: ignore[union-attr]
    assert isinstance(out[3], UnknownPlaceError)
    assert out[4].unit_cost_eur == 285  # type: ignore[union-attr]
    assert isinstance(out[5], RuleNotDefinedError)


def test_travel_many_same_results_as_single_calls() -> None:
    towns = ["Ljubljana", "Vienna", "Praha", "Kraków", "Lisboa", "Cayenne", "Valletta", "Tallinn"]
    pairs = [(a, b) for a in towns for b in towns]
    many = travel_many(pairs, call_year=2024, green=True)
    for (a, b), r in zip(pairs, many, strict=True):
        one = travel(a, b, 2024, green=True)
        assert r == one


def test_edge_tolerance_constant() -> None:
    assert svc.EDGE_TOLERANCE == 0.005
