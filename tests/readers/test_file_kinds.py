"""The same partner table in every file kind coordinators send: .xlsx from openpyxl and from LibreOffice,
.xlsm (macros never run), .ods, .csv (with --action/--year); .xls and password-protected files refused,
each with its own message.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from corpus import as_xlsm, one_sheet_workbook, to_libreoffice
from tools import require_tool

from ka2forms.cli import main
from ka2forms.errors import WorkbookError, WorkbookInvalid
from ka2forms.readers.workbook import read_workbook

EXPECTED = [("Šolski center Celje", "SI", "VET"), ("Ljudska univerza Maribor", "SI", "ADULT"),
            ("Obrtna zbornica Slovenije", "SI", "CHAMBER"), ("Střední průmyslová škola Brno", "CZ", "VET")]


def reading(path: Path) -> tuple:
    p = read_workbook(path)
    return (p.action, p.call_year, p.duration_months, [(x.organisation, x.country, x.org_type) for x in p.partners],
            sorted(f"{w.where.sheet}!{w.where.cell}" for w in p.warnings))


def test_xlsm_reads_like_its_xlsx_and_its_macros_never_run(tmp_path: Path) -> None:
    xlsx = one_sheet_workbook(tmp_path)
    xlsm = as_xlsm(xlsx)

    assert reading(xlsm) == reading(xlsx)
    assert reading(xlsm)[3] == EXPECTED


def test_ods_and_libreoffice_xlsx_read_like_the_original(tmp_path: Path) -> None:
    require_tool("soffice", "apt-get install libreoffice-calc")
    xlsx = one_sheet_workbook(tmp_path)
    ods = to_libreoffice(xlsx, "ods", tmp_path / "ods")
    lo_xlsx = to_libreoffice(ods, "xlsx", tmp_path / "lo")

    expected = reading(xlsx)
    assert expected[3] == EXPECTED
    assert reading(ods) == expected
    assert reading(lo_xlsx) == expected


def test_hidden_rows_are_reported_in_ods_too(tmp_path: Path) -> None:
    require_tool("soffice", "apt-get install libreoffice-calc")
    ods = to_libreoffice(one_sheet_workbook(tmp_path, hide_row=12), "ods", tmp_path / "ods")

    assert "List1!B12" in reading(ods)[4]


CSV = ("Vloga;Naziv organizacije;Država;Kraj;Vrsta organizacije;PIC\n"
       "Koordinator;Šolski center Celje;SI;Celje;VET;948615302\n"
       "Partner;Müller Präzisionstechnik GmbH;Deutschland;Köln;SME;\n"
       "Partner;Győri Szakképzési Centrum;Magyarország;Győr;Szakképzési centrum;\n")


def test_csv_partner_table_takes_action_and_year_from_the_options(tmp_path: Path) -> None:
    path = tmp_path / "partnerji.csv"
    path.write_text(CSV, encoding="utf-8-sig")

    project = read_workbook(path, action="KA220-VET", call_year=2025)
    assert [(p.country, p.org_type) for p in project.partners] == [("SI", "VET"), ("DE", "SME"), ("HU", "VET")]

    with pytest.raises(WorkbookInvalid) as info:
        read_workbook(path)
    assert "--action option" in str(info.value) and "--year option" in str(info.value)


def test_cli_check_reads_a_csv_with_action_and_year(tmp_path: Path) -> None:
    path = tmp_path / "partnerji.csv"
    path.write_text(CSV.replace(";", ","), encoding="utf-8")

    result = CliRunner().invoke(main, ["check", str(path), "--action", "KA220-VET", "--year", "2025", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["eligible"] is True


def test_a_file_that_says_another_action_than_the_option_is_a_problem_at_its_cell(tmp_path: Path) -> None:
    with pytest.raises(WorkbookInvalid) as info:
        read_workbook(one_sheet_workbook(tmp_path), action="KA210-VET")
    assert "List1!C3: the file says Action 'KA220-VET' but --action says 'KA210-VET'" in str(info.value)


def test_csv_not_in_utf8_says_how_to_save_it(tmp_path: Path) -> None:
    path = tmp_path / "partnerji.csv"
    path.write_bytes(CSV.encode("cp1250"))

    with pytest.raises(WorkbookError) as info:
        read_workbook(path, action="KA220-VET", call_year=2025)
    assert "not UTF-8" in info.value.message and "CSV UTF-8" in info.value.message


def test_check_accepts_a_folder_of_mixed_spreadsheets(tmp_path: Path) -> None:
    folder = tmp_path / "prijave"
    folder.mkdir()
    one_sheet_workbook(folder, name="celje.xlsx")
    as_xlsm(folder / "celje.xlsx").rename(folder / "celje-makro.xlsm")
    (folder / "~$celje.xlsx").write_bytes(b"lock")
    (folder / "notes.txt").write_text("not a workbook")

    result = CliRunner().invoke(main, ["check", str(folder), "--json"])
    data = json.loads(result.output)
    assert [Path(d["file"]).name for d in data] == ["celje-makro.xlsm", "celje.xlsx"]


def test_an_ods_with_a_password_has_its_own_message(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "secret.ods"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", b"\x8f\x12garbage")
        z.writestr("META-INF/manifest.xml", '<manifest:manifest><manifest:file-entry manifest:full-path="content.xml">'
                   '<manifest:encryption-data/></manifest:file-entry></manifest:manifest>')
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    assert "password-protected .ods" in info.value.message


def test_convert_collects_a_csv_and_reads_it_with_the_options(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "partnerji.csv").write_text(CSV, encoding="utf-8")
    out = tmp_path / "out"

    result = CliRunner().invoke(main, ["convert", str(folder), "-o", str(out), "--jobs", "1",
                                       "--action", "KA220-VET", "--year", "2025"])
    assert result.exit_code == 0, result.output
    check = json.loads((out / "partnerji" / "check.json").read_text(encoding="utf-8"))
    assert check["eligible"] is True and check["call_year"] == 2025


def test_annex_of_a_csv_takes_the_options(tmp_path: Path) -> None:
    path = tmp_path / "partnerji.csv"
    path.write_text(CSV, encoding="utf-8")

    result = CliRunner().invoke(main, ["annex", str(path), "-o", str(tmp_path / "annex.md"), "--action",
                                       "KA220-VET", "--year", "2025"])
    assert result.exit_code == 0, result.output
    assert "Šolski center Celje" in (tmp_path / "annex.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("backend", ["openpyxl", "calamine"])
def test_a_wrong_sheet_dimension_from_another_producer_does_not_cut_the_rows(tmp_path: Path, backend: str,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    if backend == "calamine":
        pytest.importorskip("python_calamine", reason="allowed: python-calamine is an optional extra")
    import zipfile

    good = one_sheet_workbook(tmp_path)
    bad = tmp_path / "dimension.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                import re

                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', data)
            dst.writestr(info, data)
    monkeypatch.setenv("KA2FORMS_XLSX_READER", backend)
    assert reading(bad)[3] == EXPECTED


def test_a_csv_with_content_past_the_row_limit_is_refused_not_cut(tmp_path: Path) -> None:
    from ka2forms.errors import WorkbookError
    from ka2forms.readers.grid import MAX_ROWS, open_grid

    path = tmp_path / "long.csv"
    path.write_text("Role;Organisation\n" + "\n" * MAX_ROWS + "Partner;Hidden far below\n", encoding="utf-8")
    with pytest.raises(WorkbookError, match="rows beyond row"):
        open_grid(path)
