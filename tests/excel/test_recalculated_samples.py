"""The sample workbooks' live formulas, recalculated by a real formula engine, agree with the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from ka2forms.readers.workbook import read_workbook
from ka2forms.rules import country_status
from ka2forms.services.check import check_project

from .recalc import normalise, recalculate

SAMPLES = sorted((Path(__file__).parents[2] / "samples").glob("*.xlsx"))


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    work = tmp_path_factory.mktemp("recalc")
    return {p.name: recalculate(p, work) for p in SAMPLES}


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_the_eligibility_cell_agrees_with_ka2forms_check(sample, recalculated):
    values = recalculated[sample.name]
    assert values["CHECKS!B1"] is check_project(read_workbook(sample)).eligible


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_the_spilled_check_table_lists_the_same_criteria_and_verdicts(sample, recalculated):
    values = recalculated[sample.name]
    table = next(v for k, v in values.items() if k.startswith("CHECKS!A6:"))
    result = check_project(read_workbook(sample))
    consortium = [c for c in result.criteria if c.id not in ("duration", "grant")]  # the table has no duration
    assert table[0] == ["Criterion", "Required", "Actual", "OK"]
    assert [row[0] for row in table[1:]] == [c.description for c in consortium]
    assert [row[3] for row in table[1:]] == [c.ok for c in consortium]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_the_status_column_shows_each_partners_country_status(sample, recalculated):
    project = read_workbook(sample)
    values = recalculated[sample.name]
    statuses = [v for k, v in sorted(values.items(), key=lambda kv: int("".join(filter(str.isdigit, kv[0]))))
                if k.startswith("PARTNERS!I") and k != "PARTNERS!I1"]
    assert statuses == [country_status(p.country, project.call_year).describe() for p in project.partners]


def test_the_version_cell_is_filled(recalculated):
    assert all(v["CHECKS!B2"].startswith("ka2forms ") for v in recalculated.values())


@pytest.mark.parametrize("saved, plain", [
    ("=[1]!KA2_TRAVEL(A2,B2)", "=KA2_TRAVEL(A2,B2)"),
    ("='C:\\Users\\ana\\AppData\\Roaming\\Microsoft\\AddIns\\ka2forms.xlam'!KA2_ELIGIBLE(Partners!A1:G9,B1,B2)",
     "=KA2_ELIGIBLE(Partners!A1:G9,B1,B2)"),
    ("=_xldudf_KA2_COUNTRY(C2,2025)", "=KA2_COUNTRY(C2,2025)"),
    ("=IF([1]!KA2_ELIGIBLE(P,A,Y),\"ok\",[1]!KA2_VERSION())", "=IF(KA2_ELIGIBLE(P,A,Y),\"ok\",KA2_VERSION())"),
    ("=SUM(A1:A3)", "=SUM(A1:A3)"),
    ("=ORG.KA2FORMS.KA2ADDIN.KA2_DISTANCE(A2,B2)", "=KA2_DISTANCE(A2,B2)"),  # saved by Calc with the extension
])
def test_add_in_prefixes_excel_writes_are_stripped_before_evaluation(saved, plain):
    assert normalise(saved) == plain


def test_a_formula_saved_with_an_add_in_prefix_still_evaluates(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["A1"] = "Srbija"
    ws["B1"] = "=[1]!KA2_COUNTRY(A1,2018)"
    ws["B2"] = "=_xldudf_KA2_COUNTRY(A1,2019)"
    wb.save(tmp_path / "prefixed.xlsx")
    work = tmp_path / "work"
    work.mkdir()
    values = recalculate(tmp_path / "prefixed.xlsx", work)
    assert values["DATA!B1"] == "Partner Country, Region 1"
    assert values["DATA!B2"] == "Programme Country (non-EU)"


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_the_travel_sheet_agrees_with_ka2forms_travel(sample, recalculated):
    """Every row of the recalculated Travel sheet equals what `ka2forms travel --json` says for that pair."""
    import json

    import openpyxl
    from click.testing import CliRunner

    from ka2forms.cli import main

    values = recalculated[sample.name]
    year = read_workbook(sample).call_year
    ws = openpyxl.load_workbook(sample, read_only=True)["Travel"]
    pairs = [(r[0], r[1]) for r in ws.iter_rows(min_row=2, max_col=2, values_only=True) if r[0] and r[1]
             and not str(r[0]).startswith("Total")]
    assert pairs
    last = len(pairs) + 1
    array = values[f"TRAVEL!G2:G{last}"] if last > 2 else [[values["TRAVEL!G2"]]]
    for i, (origin, venue) in enumerate(pairs, start=2):
        run = CliRunner().invoke(main, ["travel", origin, venue, "--year", str(year), "--json"])
        assert run.exit_code == 0, run.output
        answer = json.loads(run.stdout)
        assert values[f"TRAVEL!C{i}"] == pytest.approx(answer["distance_km"], abs=0.01)
        assert values[f"TRAVEL!D{i}"] == answer["band"]
        assert values[f"TRAVEL!E{i}"] == (answer["unit_cost_eur"] or 0)
        assert array[i - 2][0] == values[f"TRAVEL!E{i}"]  # the one-call array formula agrees row by row
