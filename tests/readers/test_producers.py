"""Workbooks as Excel, Google Sheets and report generators write them (tests/producers.py), each with its
expected reading, with both .xlsx readers (openpyxl, and python-calamine when installed).

What differs from an openpyxl file: Excel's x14ac/xr namespaces, shared strings with rich-text runs, shared
formulas with cached results and the 1904 date system; Google's sheets without <dimension>; inline strings,
no styles and no cell references; formulas whose results were never saved. The same workbook reads the same
from every producer; a date reads as the day it shows; a formula without a saved result is an error at its
cell, never an empty value passed over.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from corpus import to_libreoffice
from producers import Formula, Rich, Serial, write_xlsx
from tools import require_tool
from workbooks import GOOD_PROJECT, GOOD_ROWS, HEADER, make_workbook

from ka2forms.errors import WorkbookInvalid
from ka2forms.readers.workbook import read_workbook

PROJECT = [[label, value] for label, value in GOOD_PROJECT.items()]
PARTNERS = [HEADER, *GOOD_ROWS]
FLAVOURS = ("excel", "google", "inline")


def backends() -> list[str]:
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return ["openpyxl"]
    return ["openpyxl", "calamine"]


@pytest.fixture(params=backends())
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("KA2FORMS_XLSX_READER", request.param)
    return str(request.param)


def reading(path: Path) -> tuple[Any, ...]:
    p = read_workbook(path)
    return (p.action, p.call_year, p.title, p.duration_months, p.requested_grant,
            [(x.role, x.organisation, x.country, x.city, x.org_type, x.pic, x.oid, str(x.where)) for x in p.partners],
            [(w.where.sheet, w.where.cell, w.message) for w in p.warnings])


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_the_same_workbook_reads_the_same_from_every_producer(tmp_path: Path, flavour: str, backend: str) -> None:
    theirs = write_xlsx(tmp_path / f"{flavour}.xlsx", {"Project": PROJECT, "Partners": PARTNERS}, flavour=flavour)
    ours = make_workbook(tmp_path)

    assert reading(theirs) == reading(ours)


def test_excel_rich_text_shared_formulas_and_a_formula_call_year_are_read_by_their_saved_values(
        tmp_path: Path, backend: str) -> None:
    project = [["Action", "KA220-VET"], ["Call year", Formula("2024+1", 2025)], ["Duration (months)", 24]]
    status = [Formula('IF(C2="","",KA2_COUNTRY(C2))', "ok", shared="first:H2:H4"),
              Formula("", "ok", shared="H2:H4"), Formula("", "ok", shared="H2:H4")]
    rows = [[*HEADER, "Status"], *[[*r, s] for r, s in zip(GOOD_ROWS, status, strict=True)]]
    rows[1][1] = Rich(("Šolski", " center Celje"))   # "Šolski" bold, as a partly formatted cell
    path = write_xlsx(tmp_path / "excel.xlsx", {"Project": project, "Partners": rows})

    p = read_workbook(path)
    assert (p.call_year, p.duration_months) == (2025, 24)
    assert [x.organisation for x in p.partners] == ["Šolski center Celje", "Müller Präzisionstechnik GmbH",
                                                    "Győri Szakképzési Centrum"]
    assert p.warnings == ()     # the Status column is not one of ours, and not a near miss


@pytest.mark.parametrize(("date1904", "shown"), [(False, "2021-09-01"), (True, "2025-09-02")])
def test_a_date_reads_as_the_day_it_shows_in_either_date_system(tmp_path: Path, backend: str, date1904: bool,
                                                                  shown: str) -> None:
    """Serial 44440 is 1 September 2021 from 1900 (Windows Excel) and 2 September 2025 from 1904 (Excel for
    Mac's old default): the warning for the unknown label quotes the day, the same with both readers."""
    project = [*PROJECT, ["Začetek projekta", Serial(44440)]]
    path = write_xlsx(tmp_path / "dates.xlsx", {"Project": project, "Partners": PARTNERS}, date1904=date1904)

    (w,) = read_workbook(path).warnings
    assert (w.where.cell, f"its value {shown!r} was not read" in w.message) == ("A7", True)


def test_a_project_field_given_by_a_formula_without_a_saved_result_is_an_error_at_its_cell(
        tmp_path: Path, backend: str) -> None:
    project = [["Action", "KA220-VET"], ["Call year", 2025], ["Duration (months)", Formula("12*2", None)]]
    path = write_xlsx(tmp_path / "unsaved.xlsx", {"Project": project, "Partners": PARTNERS}, flavour="google")

    with pytest.raises(WorkbookInvalid) as e:
        read_workbook(path)
    (problem,) = e.value.problems
    assert (problem.where.sheet, problem.where.cell) == ("Project", "B3")
    assert "'Duration (months)' is a formula whose result is not saved in the file" in problem.message


def test_a_partner_cell_given_by_a_formula_without_a_saved_result_is_an_error_at_its_cell(
        tmp_path: Path, backend: str) -> None:
    rows = [HEADER, *[list(r) for r in GOOD_ROWS]]
    rows[2][2] = Formula("Lists!A5", None)
    rows[3][5] = Formula('"948615"&"303"', None)         # an optional column too: never silently empty
    path = write_xlsx(tmp_path / "unsaved.xlsx", {"Project": PROJECT, "Partners": rows}, flavour="inline")

    with pytest.raises(WorkbookInvalid) as e:
        read_workbook(path)
    got = {(p.where.cell, p.message.split(" is a formula")[0]) for p in e.value.problems}
    assert got == {("C3", "'Country'"), ("F4", "'PIC'")}


def test_an_excel_workbook_saved_again_by_libreoffice_reads_the_same(tmp_path: Path) -> None:
    require_tool("soffice", "apt-get install libreoffice-calc")
    rows = [HEADER, *[list(r) for r in GOOD_ROWS]]
    rows[1][1] = Rich(("Šolski", " center Celje"))
    excel = write_xlsx(tmp_path / "excel.xlsx", {"Project": PROJECT, "Partners": rows}, date1904=True)

    assert reading(to_libreoffice(excel, "xlsx", tmp_path / "lo")) == reading(excel)
