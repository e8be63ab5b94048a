"""Hidden sheets are reported like hidden rows, and named tables are found in .ods files like Excel tables.

A hidden sheet that was read, or that looks like a partner or project sheet, is a warning naming the sheet;
a hidden sheet of dropdown lists is not. LibreOffice keeps an Excel table as a database range (and a named
range is how Calc users name one): both are found by name, like an .xlsx ListObject.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from corpus import table_workbook, to_libreoffice
from tools import require_tool
from workbooks import GOOD_ROWS, HEADER, make_workbook

from ka2forms.errors import WorkbookError
from ka2forms.readers.grid import TableRange as R
from ka2forms.readers.grid import _ods_address, open_grid
from ka2forms.readers.workbook import read_workbook


def hidden_messages(path: Path) -> dict[str, str]:
    return {w.where.sheet: w.message for w in read_workbook(path).warnings if w.where.cell is None}


def with_hidden_sheet(tmp_path: Path, title: str, rows: list[list], *, hide_partners: bool = False) -> Path:
    path = make_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet(title)
    for r in rows:
        ws.append(r)
    ws.sheet_state = "hidden"
    if hide_partners:
        wb["Partners"].sheet_state = "veryHidden"
    wb.save(path)
    return path


def test_a_hidden_sheet_holding_a_partner_table_is_a_warning_naming_it(tmp_path: Path) -> None:
    path = with_hidden_sheet(tmp_path, "Stari konzorcij", [HEADER, *GOOD_ROWS[:2]])

    project = read_workbook(path)
    assert len(project.partners) == 3      # the visible Partners sheet is the one read
    assert "hidden in the file and looks like a partner or project sheet" in hidden_messages(path)["Stari konzorcij"]


def test_a_second_project_sheet_kept_hidden_is_refused_and_the_message_says_it_is_hidden(tmp_path: Path) -> None:
    path = with_hidden_sheet(tmp_path, "Projektdaten", [["Action", "KA210-SCH"]])

    with pytest.raises(WorkbookError, match=r"2 project sheets \('Project', 'Projektdaten' \(hidden\)\)"):
        read_workbook(path)


def test_a_hidden_partner_sheet_that_is_read_says_so(tmp_path: Path) -> None:
    path = with_hidden_sheet(tmp_path, "Lists", [["Roles"], ["Coordinator"]], hide_partners=True)

    assert "this sheet is hidden in the file; it was read" in hidden_messages(path)["Partners"]


def test_a_hidden_sheet_of_dropdown_lists_is_not_reported(tmp_path: Path) -> None:
    path = with_hidden_sheet(tmp_path, "Lists", [["Roles", "Types"], ["Coordinator", "VET"]])

    assert hidden_messages(path) == {}


def test_hidden_sheets_are_reported_in_ods_too(tmp_path: Path) -> None:
    require_tool("soffice", "apt-get install libreoffice-calc")
    ods = to_libreoffice(with_hidden_sheet(tmp_path, "Stari konzorcij", [HEADER, *GOOD_ROWS[:2]]), "ods",
                         tmp_path / "ods")

    assert open_grid(ods).sheets[-1].hidden
    assert "looks like a partner or project sheet" in hidden_messages(ods)["Stari konzorcij"]


def test_an_excel_table_saved_as_ods_by_libreoffice_is_found_by_its_name(tmp_path: Path) -> None:
    require_tool("soffice", "apt-get install libreoffice-calc")
    xlsx = table_workbook(tmp_path)
    ods = to_libreoffice(xlsx, "ods", tmp_path / "ods")

    sheet = next(s for s in open_grid(ods).sheets if s.title == "Podatki")
    assert sheet.tables == {"Partners": R(3, 2, 6, 6)}
    got, expected = read_workbook(ods), read_workbook(xlsx)
    assert [p.organisation for p in got.partners] == [p.organisation for p in expected.partners]
    assert got.partners[0].where.cell == "C4"           # cells stay the sheet's own


@pytest.mark.parametrize(("address", "expected"), [
    ("Partners.A1:Partners.G5", ("Partners", R(1, 1, 5, 7))),
    ("$Partners.$A$1:.$G$5", ("Partners", R(1, 1, 5, 7))),
    ("$'Travel plan'.$B$3:.$F$6", ("Travel plan", R(3, 2, 6, 6))),
    ("'It''s'.A1:'It''s'.B2", ("It's", R(1, 1, 2, 2))),
    ("Partners.A1:Other.G5", None),            # two sheets: no table
    ("Partners.A:Partners.G", None),           # whole columns: no table
])
def test_ods_range_addresses_are_read_as_one_sheets_cells(address: str, expected: object) -> None:
    assert _ods_address(address) == expected
