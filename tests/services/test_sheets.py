"""The one spreadsheet/CSV writer: text from inputs is shown, never run; numbers stay numbers; writes are atomic."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import openpyxl
import pytest

from ka2forms.errors import InputError
from ka2forms.services.sheets import FORMULA_START, Table, csv_cell, write_table

INJECTIONS = ['=HYPERLINK("http://example.com/x","click")', "=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1",
              "\r=1+1", "＝1+1"]
TABLE = Table("t", ("text", "number", "empty"), [[t, 7, None] for t in INJECTIONS] + [["Brno", -5, None]],
              (30, 8, 8))


def test_xlsx_never_stores_a_formula_from_input_text(tmp_path: Path) -> None:
    out = write_table(tmp_path / "o.xlsx", TABLE)
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet and "<f " not in sheet
    ws = openpyxl.load_workbook(out).active
    cells = list(ws.iter_rows(min_row=2, values_only=True))
    assert [c[0] for c in cells] == [*INJECTIONS, "Brno"]             # shown exactly as given
    assert all(c[1] in (7, -5) for c in cells)                        # numbers stay numbers
    assert all(c[2] is None for c in cells)
    assert [c.value for c in ws[1]] == ["text", "number", "empty"]


def test_csv_prefixes_formula_like_text_as_owasp_advises(tmp_path: Path) -> None:
    out = write_table(tmp_path / "o.csv", TABLE)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")                            # a BOM: Excel reads UTF-8
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["text", "number", "empty"]
    assert [r[0] for r in rows[1:-1]] == ["'" + t for t in INJECTIONS]
    assert rows[-1] == ["Brno", "-5", ""]                              # a negative number is not text


@pytest.mark.parametrize("start", FORMULA_START)
def test_every_formula_start_is_made_inert_in_csv(start: str) -> None:
    assert csv_cell(start + "1") == "'" + start + "1"


def test_control_characters_an_xlsx_cannot_hold_are_shown_not_fatal(tmp_path: Path) -> None:
    out = write_table(tmp_path / "o.xlsx", Table("t", ("text",), [["a\x01b"]]))
    assert openpyxl.load_workbook(out).active["A2"].value == "a\ufffdb"


def test_writer_refuses_to_write_over_an_input(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("keep", encoding="utf-8")
    with pytest.raises(InputError):
        write_table(src, TABLE, protect=[src])
    assert src.read_text(encoding="utf-8") == "keep"


def test_writer_replaces_a_file_atomically_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    out = tmp_path / "o.csv"
    out.write_text("old", encoding="utf-8")
    write_table(out, TABLE)
    assert "Brno" in out.read_text(encoding="utf-8-sig")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.csv"]


def test_writer_refuses_other_suffixes(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"\.xlsx or \.csv"):
        write_table(tmp_path / "o.txt", TABLE)
    assert not (tmp_path / "o.txt").exists()


def test_libreoffice_reads_the_written_workbook_as_written(tmp_path: Path) -> None:
    """The writer makes SpreadsheetML itself: a real spreadsheet program must read every sheet, string, number
    and line break back, and run no input text as a formula."""
    from corpus import to_libreoffice
    from tools import require_tool

    require_tool("soffice", "apt-get install libreoffice-calc")
    people = Table("Povzetek", ("besedilo", "število"), [["Šolski center Celje\nSrednja šola", 2.5], ["a&b<c>", None]])
    out = write_table(tmp_path / "o.xlsx", TABLE, more=[people])
    resaved = to_libreoffice(out, "xlsx", tmp_path / "calc")         # Calc opens it and saves its own copy
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["t", "Povzetek"] and wb["t"].freeze_panes == "A2"
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(resaved))
    assert book.sheet_names == ["t", "Povzetek"]
    first = book.get_sheet_by_name("t").to_python()
    assert first[0] == ["text", "number", "empty"]
    assert [r[0] for r in first[1:]] == [*INJECTIONS, "Brno"]         # text, not a formula's result
    assert [r[1] for r in first[1:]] == [7] * len(INJECTIONS) + [-5]
    second = book.get_sheet_by_name("Povzetek").to_python()
    assert second[1] == ["Šolski center Celje\nSrednja šola", 2.5] and second[2][0] == "a&b<c>"
