"""Travel bands and unit costs as dated rules data (travel.yaml)."""

from __future__ import annotations

import pytest

from ka2forms.errors import RuleNotDefinedError, RulesDataError, UnknownValueError
from ka2forms.rules import Confidence
from ka2forms.rules import travel as rt
from ka2forms.rules.loader import read_yaml
from ka2forms.rules.travel import default_call_year, travel_bands

LABELS_2017 = ["0-9", "10-99", "100-499", "500-1999", "2000-2999", "3000-3999", "4000-7999", "8000+"]


def amounts(year: int, green: bool = False, activity: str | None = None) -> list[int | None]:
    return [b.eur for b in travel_bands(year, green, activity).bands]


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2014, [None, 180, 275, 360, 530, 820, 1100]),
        (2016, [None, 180, 275, 360, 530, 820, 1100]),
        (2017, [None, 20, 180, 275, 360, 530, 820, 1300]),
        (2018, [None, 20, 180, 275, 360, 530, 820, 1500]),
        (2019, [None, 20, 180, 275, 360, 530, 820, 1500]),
        (2020, [None, 20, 180, 275, 360, 530, 820, 1500]),
        (2021, [None, 23, 180, 275, 360, 530, 820, 1500]),
        (2022, [None, 23, 180, 275, 360, 530, 820, 1500]),
        (2023, [None, 23, 180, 275, 360, 530, 820, 1500]),
        (2024, [None, 28, 211, 309, 395, 580, 1188, 1735]),
        (2025, [None, 28, 211, 309, 395, 580, 1188, 1735]),
        (2026, [None, 28, 211, 309, 395, 580, 1188, 1735]),
    ],
)
def test_standard_tables_by_call_year(year: int, expected: list[int | None]) -> None:
    assert amounts(year) == expected


def test_early_guides_have_no_band_below_100_km() -> None:
    labels = [b.label for b in travel_bands(2015).bands]
    assert labels[0] == "0-99" and labels[1] == "100-499"
    assert [b.label for b in travel_bands(2017).bands] == LABELS_2017


def test_top_band_change_1100_to_1500_and_10_99_from_no_band_to_20() -> None:
    assert travel_bands(2016).band_for(9000).eur == 1100
    assert travel_bands(2018).band_for(9000).eur == 1500
    assert travel_bands(2016).band_for(50).eur is None  # no band in the early guides: null, never a stated 0
    assert travel_bands(2020).band_for(50).eur == 20


@pytest.mark.parametrize("year", [2014, 2015, 2016])
def test_early_guides_under_100_km_are_no_band_not_zero(year: int) -> None:
    band = travel_bands(year).band_for(99)
    assert band.label == "0-99" and band.eur is None


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2021, [None, 23, 210, 320, 410, 610, 820, 1500]),
        (2023, [None, 23, 210, 320, 410, 610, 820, 1500]),
        (2024, [None, 56, 285, 417, 535, 785, 1188, 1735]),
        (2025, [None, 56, 285, 417, 535, 785, 1188, 1735]),
    ],
)
def test_green_tables(year: int, expected: list[int | None]) -> None:
    assert amounts(year, green=True) == expected


def test_green_2021_2023_only_for_100_to_3999_km() -> None:
    table = travel_bands(2022, green=True)
    assert [b.green_missing for b in table.bands] == [False, True, False, False, False, False, True, True]
    assert [b.green for b in table.bands] == [False, False, True, True, True, True, False, False]


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_green_from_2024_has_no_rate_at_4000_km_or_more_so_the_standard_rate_applies(year: int) -> None:
    table = travel_bands(year, green=True)
    far = [b for b in table.bands if b.low_km >= 4000]
    assert [(b.eur, b.green, b.green_missing) for b in far] == [(1188, False, True), (1735, False, True)]
    assert table.band_for(3999).green and table.band_for(3999).eur == 785


def test_no_green_rates_before_2021() -> None:
    table = travel_bands(2019, green=True)
    assert not table.green_defined and amounts(2019, green=True) == amounts(2019)


def test_tpm_activity_2014_2020() -> None:
    t = travel_bands(2016, activity="tpm")
    assert [(b.label, b.eur) for b in t.bands] == [("0-99", None), ("100-1999", 575), ("2000+", 760)]
    with pytest.raises(RuleNotDefinedError, match=r"tpm.*2022.*2014–2020"):
        travel_bands(2022, activity="tpm")


def test_uncovered_years_raise_never_fall_back() -> None:
    with pytest.raises(RuleNotDefinedError, match="2027") as e:
        travel_bands(2027)
    assert "2014–2026" in str(e.value) and isinstance(e.value, LookupError)
    with pytest.raises(RuleNotDefinedError):
        travel_bands(2013)


def test_unknown_activity() -> None:
    with pytest.raises(UnknownValueError):
        travel_bands(2020, activity="meetings")


def test_default_call_year_is_latest_covered() -> None:
    assert default_call_year() == 2026


def test_confidence_is_honest() -> None:
    def conf(year: int, km: int, green: bool = False) -> Confidence:
        return travel_bands(year, green).band_for(km).provenance.confidence

    assert conf(2025, 300) is Confidence.OFFICIAL  # DAAD, national agency
    assert conf(2024, 300) is Confidence.THIRD_PARTY  # HEI pages only
    assert conf(2026, 300) is Confidence.UNCONFIRMED  # no dated source
    assert conf(2017, 9000) is Confidence.UNCONFIRMED  # 1300 inferred
    assert conf(2021, 50) is Confidence.UNCONFIRMED  # 20 or 23 unresolved
    assert conf(2026, 5) is Confidence.UNCONFIRMED  # no rule below 10 km: project policy
    assert travel_bands(2022, True).band_for(300).provenance.source.id == "uctm-ka131-2022"


def test_every_band_has_a_known_source_and_confidence() -> None:
    data = read_yaml("travel.yaml")
    for table in data["tables"]:
        for band in table["bands"]:
            assert band["confidence"] in {c.value for c in Confidence}
            assert band["source"]


@pytest.mark.parametrize(
    ("km", "label"),
    [
        (0, "0-9"),
        (9, "0-9"),
        (10, "10-99"),
        (99, "10-99"),
        (100, "100-499"),
        (499, "100-499"),
        (500, "500-1999"),
        (1999, "500-1999"),
        (2000, "2000-2999"),
        (7999, "4000-7999"),
        (8000, "8000+"),
        (20000, "8000+"),
    ],
)
def test_band_for(km: int, label: str) -> None:
    assert travel_bands(2025).band_for(km).label == label


def test_loader_refuses_gaps_in_bands(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = {
        "activities": {"standard": "x"},
        "tables": [
            {
                "activity": "standard",
                "calls": "2021-2022",
                "bands": [
                    {"km": "0-9", "eur": None, "source": "project", "confidence": "unconfirmed"},
                    {"km": "20-99", "eur": 23, "source": "project", "confidence": "unconfirmed"},
                    {"km": "100-", "eur": 180, "source": "project", "confidence": "unconfirmed"},
                ],
            }
        ],
    }
    rt._tables.cache_clear()
    rt.travel_bands.cache_clear()
    monkeypatch.setattr(rt, "read_yaml", lambda name: broken)
    try:
        with pytest.raises(RulesDataError, match="contiguous"):
            rt.travel_bands(2021)
    finally:
        rt._tables.cache_clear()
        rt.travel_bands.cache_clear()


def test_loader_refuses_overlapping_years(monkeypatch: pytest.MonkeyPatch) -> None:
    band = [{"km": "0-", "eur": 0, "source": "project", "confidence": "unconfirmed"}]
    broken = {
        "activities": {"standard": "x"},
        "tables": [
            {"activity": "standard", "calls": "2021-2023", "bands": band},
            {"activity": "standard", "calls": "2023-2024", "bands": band},
        ],
    }
    rt._tables.cache_clear()
    rt.travel_bands.cache_clear()
    monkeypatch.setattr(rt, "read_yaml", lambda name: broken)
    try:
        with pytest.raises(RulesDataError, match="overlap"):
            rt.travel_bands(2021)
    finally:
        rt._tables.cache_clear()
        rt.travel_bands.cache_clear()
