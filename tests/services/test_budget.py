"""Budget planning: the Travel plan priced by the call year's unit costs, the Budget sheet checked by the rules.

Cases straddle the years where a rule changes: KA220 lump sums (2021 range → 2022 fixed sums), the KA220
project-management share and work-package limits (stated for calls from 2022), and the 2014–2020 Strategic
Partnership unit costs (management per month, transnational meetings by distance).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from workbooks import OMIT, make_workbook, project_with

from ka2forms.errors import WorkbookInvalid
from ka2forms.readers.workbook import read_workbook
from ka2forms.services.budget import check_budget, plan_travel

COORD, DE, HU = "Šolski center Celje", "Müller Präzisionstechnik GmbH", "Győri Szakképzési Centrum"
TRAVEL_HEADER = ["Activity", "Organisation", "From", "To", "Participants", "Green"]


def wide_budget(pm: float, *others: tuple[str, float, float, float]) -> list[list[Any]]:
    """A wide Budget sheet: project management shared equally, then work packages (name, coord, de, hu)."""
    return [["Work package", COORD, DE, HU],
            ["Project management", pm / 2, pm / 4, pm / 4],
            *[[name, a, b, c] for name, a, b, c in others]]


def project(tmp_path: Path, *, budget: list[list[Any]] | None = None, travel: list[list[Any]] | None = None,
            **changes: Any) -> Any:
    sheets = {}
    if travel is not None:
        sheets["Travel plan"] = travel
    if budget is not None:
        sheets["Budget"] = budget
    return read_workbook(make_workbook(tmp_path, project=project_with(**changes) if changes else None,
                                       sheets=sheets))


def check(result: Any, id_: str) -> Any:
    return next(c for c in result.checks if c.id == id_)


# ─────────────────────────────── lump sums, shares, work packages ───────────────────────────────

def test_a_ka220_budget_that_adds_up_to_its_lump_sum_passes(tmp_path: Path) -> None:
    p = project(tmp_path, budget=wide_budget(40000, ("Curriculum", 60000, 40000, 30000), ("Pilots", 30000, 30000,
                                                                                        20000)))
    r = check_budget(p)
    assert r.total_eur == Decimal(250000)
    assert r.ok, [c for c in r.checks if not c.ok]
    assert {c.id for c in r.checks} == {"total-equals-grant", "total-fits-grant-rule", "management-share",
                                        "work-packages"}
    assert r.per_organisation[COORD] == Decimal(110000)
    assert r.per_work_package["Project management"] == Decimal(40000)


def test_project_management_above_20_percent_of_the_lump_sum_fails_from_call_2022(tmp_path: Path) -> None:
    p = project(tmp_path, budget=wide_budget(60000, ("Curriculum", 80000, 60000, 50000)))
    share = check(check_budget(p), "management-share")
    assert not share.ok
    assert share.required == "≤ €50,000.00" and share.actual == "€60,000.00"   # one money format (i18n.money)
    assert share.confidence == "official" and "wikis.ec.europa.eu" in share.source


def test_call_2021_has_no_management_share_rule_and_says_so(tmp_path: Path) -> None:
    p = project(tmp_path, budget=wide_budget(60000, ("Curriculum", 80000, 60000, 50000)),
                call_year=2021)
    r = check_budget(p)
    assert "management-share" not in {c.id for c in r.checks}
    assert any("no budget rules beyond the grant" in n and "2021" in n for n in r.notes)


def test_a_budget_total_that_is_no_lump_sum_fails_in_2022_but_fits_the_2021_range(tmp_path: Path) -> None:
    rows = wide_budget(40000, ("Curriculum", 60000, 40000, 40000))   # 220 000 EUR
    r2022 = check_budget(project(tmp_path, budget=rows, call_year=2022, grant=220000))
    assert not check(r2022, "total-fits-grant-rule").ok
    (tmp_path / "y21").mkdir()
    r2021 = check_budget(project(tmp_path / "y21", budget=rows, call_year=2021, grant=220000))
    assert check(r2021, "total-fits-grant-rule").ok


def test_a_budget_that_does_not_add_up_to_the_requested_grant_fails(tmp_path: Path) -> None:
    p = project(tmp_path, budget=wide_budget(40000, ("Curriculum", 60000, 40000, 30000)))   # 170 000 of 250 000
    c = check(check_budget(p), "total-equals-grant")
    assert not c.ok and c.required == "€250,000.00" and c.actual == "€170,000.00"


@pytest.mark.parametrize(("extra", "ok"), [(0, False), (1, True), (10, True), (11, False)])
def test_ka220_needs_one_to_ten_work_packages_besides_management(tmp_path: Path, extra: int, ok: bool) -> None:
    wps = [(f"WP{i + 2}", 1000, 0, 0) for i in range(extra)]
    assert check(check_budget(project(tmp_path, budget=wide_budget(4000, *wps))), "work-packages").ok is ok


def test_the_long_layout_reads_the_same_as_the_wide_one(tmp_path: Path) -> None:
    long = [["Work package", "Organisation", "Amount"], ["Project management", COORD, 20000],
            ["Project management", DE, 10000], ["Project management", HU, 10000], ["Curriculum", COORD, 60000],
            ["Curriculum", DE, 40000], ["Curriculum", HU, 30000], ["Pilots", COORD, 30000], ["Pilots", DE, 30000],
            ["Pilots", HU, 20000], ["Total", None, 250000]]
    r = check_budget(project(tmp_path, budget=long))
    assert r.ok and r.total_eur == Decimal(250000)


def test_a_full_partner_without_a_share_is_a_warning_naming_it(tmp_path: Path) -> None:
    rows = [["Work package", COORD, DE], ["Project management", 30000, 20000], ["Curriculum", 100000, 100000]]
    r = check_budget(project(tmp_path, budget=rows))
    assert any(HU in w and "has no share of the budget" in w for w in r.warnings)


# ─────────────────────────────── bad cells are named ───────────────────────────────

@pytest.mark.parametrize(("cell_value", "message"), [(-100, "cannot be negative"), ("lots", "amount in EUR")])
def test_an_amount_that_is_negative_or_no_number_is_an_error_at_its_cell(tmp_path: Path, cell_value: Any,
                                                                         message: str) -> None:
    rows = wide_budget(40000, ("Curriculum", cell_value, 40000, 30000))
    with pytest.raises(WorkbookInvalid) as e:
        project(tmp_path, budget=rows)
    assert [(str(p.where.cell), p.where.sheet) for p in e.value.problems] == [("B3", "Budget")]
    assert message in e.value.problems[0].message


def test_an_organisation_not_in_partners_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    rows = [["Work package", COORD, "Muller Prazisionstechnik"], ["Project management", 1, 1]]
    with pytest.raises(WorkbookInvalid) as e:
        project(tmp_path, budget=rows)
    (problem,) = e.value.problems
    assert problem.where.cell == "C1" and "did you mean" in problem.message and DE in problem.message


def test_a_total_row_that_does_not_add_up_is_an_error_at_its_cell(tmp_path: Path) -> None:
    rows = [*wide_budget(40000, ("Curriculum", 60000, 40000, 30000)), ["Skupaj", 80000, 50000, 41000]]
    with pytest.raises(WorkbookInvalid) as e:
        project(tmp_path, budget=rows)
    assert [p.where.cell for p in e.value.problems] == ["D4"]


# ─────────────────────────────── travel plan ───────────────────────────────

def test_each_trip_is_priced_by_band_and_participants_from_the_organisations_city(tmp_path: Path) -> None:
    travel = [TRAVEL_HEADER, ["Kick-off", DE, None, "Celje", 2, None],      # Köln → Celje: 500–1999 km
              ["Kick-off", HU, None, "Celje", 3, "yes"],                      # Győr → Celje: 100–499 km, green
              ["Pilot", COORD, "Ljubljana", "Győr", 1, "no"]]
    plan = plan_travel(project(tmp_path, travel=travel))
    de, hu, si = plan.rows
    assert (de.band, de.unit_cost_eur, de.total_eur) == ("500-1999", 309, 618)
    assert hu.green and hu.band == "100-499" and hu.total_eur == 3 * hu.unit_cost_eur
    assert si.from_place == "Ljubljana" and si.cell == "Travel plan!A4"
    assert plan.total_eur == de.total_eur + hu.total_eur + si.total_eur
    assert plan.per_organisation == {DE: de.total_eur, HU: hu.total_eur, COORD: si.total_eur}
    assert any("lump sums that include travel" in n for n in plan.notes)


def test_a_place_that_cannot_be_found_is_that_rows_error(tmp_path: Path) -> None:
    travel = [TRAVEL_HEADER, ["Kick-off", DE, None, "Xqzzyville", 2, None]]
    (row,) = plan_travel(project(tmp_path, travel=travel)).rows
    assert row.error and row.total_eur == 0 and row.cell == "Travel plan!A2"


@pytest.mark.parametrize(("participants", "message"), [(0, "at least 1"), (2.5, "whole number")])
def test_participants_must_be_a_whole_number_of_at_least_one(tmp_path: Path, participants: Any, message: str) -> None:
    with pytest.raises(WorkbookInvalid) as e:
        project(tmp_path, travel=[TRAVEL_HEADER, ["Kick-off", DE, None, "Celje", participants, None]])
    assert e.value.problems[0].where.cell == "E2" and message in e.value.problems[0].message


def test_2014_2020_strategic_partnership_meetings_use_the_meeting_rates(tmp_path: Path) -> None:
    travel = [[*TRAVEL_HEADER, "Kind"], ["TPM 1", DE, None, "Celje", 2, None, "meeting"],
              ["C1 training", DE, None, "Celje", 2, None, None]]
    p = project(tmp_path, travel=travel, action="KA202", call_year=2019, grant=OMIT)
    meeting, training = plan_travel(p).rows
    assert (meeting.kind, meeting.unit_cost_eur, meeting.total_eur) == ("meeting", 575, 1150)
    assert (training.kind, training.unit_cost_eur) == ("travel", 275)


def test_2014_2020_management_per_month_is_capped_and_warned_as_unconfirmed(tmp_path: Path) -> None:
    # coordinator 500 + 2 partners × 250 = 1 000 EUR a month, 24 months → 24 000 EUR
    rows = [["Work package", COORD, DE, HU], ["Project management and implementation", 14000, 6000, 5000]]
    p = project(tmp_path, budget=rows, action="KA202", call_year=2019, grant=OMIT)
    r = check_budget(p)
    c = check(r, "management-per-month")
    assert not c.ok and c.required.startswith("≤ €24,000.00") and c.confidence == "unconfirmed"
    assert any("management-per-month" in w and "unconfirmed" in w for w in r.warnings)


def test_an_organisations_city_resolves_in_its_own_country_and_a_doubt_names_the_city_cell(tmp_path: Path) -> None:
    from workbooks import partners_with, row

    wb = make_workbook(tmp_path, partners=partners_with(row(2, city="Jezersko")),
                       sheets={"Travel plan": [TRAVEL_HEADER, ["Kick-off", COORD, None, "Praha", 1, None]]})
    (trip,) = plan_travel(read_workbook(wb)).rows

    assert trip.error is None and trip.from_place == "Jezersko"
    assert any(w.startswith("from (Partners!D2): 'Jezersko' is not a place name in SI: took Zgornje Jezersko")
               for w in trip.warnings)


def test_an_organisations_city_that_cannot_be_found_is_an_error_naming_the_city_cell(tmp_path: Path) -> None:
    from workbooks import partners_with, row

    wb = make_workbook(tmp_path, partners=partners_with(row(3, city="Xqzzyville")),
                       sheets={"Travel plan": [TRAVEL_HEADER, ["Kick-off", DE, None, "Celje", 1, None]]})
    (trip,) = plan_travel(read_workbook(wb)).rows

    assert trip.error is not None and trip.error.startswith("from (Partners!D3): ")


def test_each_priced_trip_says_how_its_places_were_found(tmp_path: Path) -> None:
    travel = [TRAVEL_HEADER, ["Kick-off", DE, None, "Praha", 1, None]]
    (trip,) = plan_travel(project(tmp_path, travel=travel)).rows

    assert trip.as_dict()["resolved"]["to"] == {"query": "Praha", "match": "alternate name", "how": "alternate name",
                                                "name": "Prague", "country": "CZ", "candidates": []}
    assert trip.as_dict()["resolved"]["from"]["how"] == "exact"     # Köln, from the organisation's City
