"""Real-looking partner spreadsheets, made the way coordinators make them, each with its expected reading.

Every builder writes one file with openpyxl (or as text, for .csv) and returns its path; the tests state
what reading it must give. ``to_libreoffice`` turns any of them into an .ods, or an .xlsx saved by
LibreOffice Calc, with LibreOffice itself (soffice --headless --convert-to).
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Font
from openpyxl.worksheet.table import Table

SL_PARTNERS = [
    ["Vodilni partner", "Šolski center Celje", "Slovenija", "Celje", "Srednja strokovna šola", "948615302", None],
    ["Partner", "Ljudska univerza Maribor", "SLO", "Maribor", "Ljudska univerza", None, None],
    ["Polnopravni partner", "Obrtna zbornica Slovenije", "RS", "Ljubljana", "Obrtna zbornica", None, None],
    ["Partner", "Střední průmyslová škola Brno", "ČR", "Brno", "Střední odborná škola", "912345678", None],
]
SL_HEADER = ["Vloga", "Naziv organizacije", "Država", "Kraj", "Vrsta organizacije", "PIC", "OID"]


def one_sheet_workbook(folder: Path, *, name: str = "List1.xlsx", rows: Sequence[Sequence[Any]] = SL_PARTNERS,
                       hide_row: int | None = None, extra_project: Sequence[Sequence[Any]] = ()) -> Path:
    """What a Slovenian coordinator keeps: one sheet "List1", a title and a logo row, project fields above the
    partner table (labels in B, values in C), a header at row 10, a "Skupaj" row and a note below.

    Partner rows are 11, 12, 13, 14; the totals row follows them, then an empty row and the note.
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List1"
    ws["B1"] = "Prijava KA220-VET – partnerski konzorcij"
    ws["B1"].font = Font(bold=True, size=16)
    ws.merge_cells("B1:H1")
    ws["B2"] = "(logotip Erasmus+)"
    ws.merge_cells("B2:D2")
    project = [["Ključni ukrep:", "KA220-VET"], ["Leto razpisa:", 2025],
               ["Naziv projekta:", "Robotika v poklicnih šolah"], ["Akronim:", "ROBOVET"],
               ["Trajanje projekta (meseci):", 24], ["Zaprošena sredstva (EUR):", 250000],
               *extra_project]
    for i, (label, value) in enumerate(project, start=3):
        ws.cell(i, 2, label)
        ws.cell(i, 3, value)
    header_row = 3 + len(project) + 1  # one empty row between the fields and the table
    for j, h in enumerate(SL_HEADER, start=1):
        ws.cell(header_row, j, h).font = Font(bold=True)
    r = header_row
    for r, partner in enumerate(rows, start=header_row + 1):
        for j, v in enumerate(partner, start=1):
            ws.cell(r, j, v)
    ws.cell(r + 1, 1, "Skupaj")
    ws.cell(r + 1, 6, f"=COUNTA(F{header_row + 1}:F{r})")
    ws.cell(r + 3, 1, "Opomba: PIC številke preveri v sistemu Organisation Registration.")
    if hide_row:
        ws.row_dimensions[hide_row].hidden = True
    path = folder / name
    wb.save(path)
    return path


def table_workbook(folder: Path) -> Path:
    """Partners in an Excel table named "Partners" on a sheet called "Podatki", next to notes."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Projekt"
    for label, value in [("Action", "KA220-VET"), ("Call year", 2025)]:
        ws.append([label, value])
    data = wb.create_sheet("Podatki")
    data["A1"] = "Consortium as of 3 March"
    header = ["Role", "Organisation", "Country", "City", "Type"]
    for j, h in enumerate(header, start=2):
        data.cell(3, j, h)
    rows = [["Coordinator", "Šolski center Celje", "SI", "Celje", "VET"],
            ["Partner", "Berufskolleg Köln", "GER", "Köln", "Berufsschule"],
            ["Partner", "Győri Szakképzési Centrum", "HU", "Győr", "Szakképzési centrum"]]
    for i, row in enumerate(rows, start=4):
        for j, v in enumerate(row, start=2):
            data.cell(i, j, v)
    data["H5"] = "Role"  # a stray word outside the table must not matter
    data.add_table(Table(displayName="Partners", ref="B3:F6"))
    path = folder / "table.xlsx"
    wb.save(path)
    return path


def foreign_workbook(folder: Path, *, sheet: str, header: Sequence[str], project: Sequence[Sequence[Any]],
                     rows: Sequence[Sequence[Any]], project_sheet: str | None = None, name: str = "x.xlsx") -> Path:
    """A workbook in another language: project fields on their own sheet (or above the table)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    if project_sheet:
        ws.title = project_sheet
        for row in project:
            ws.append(list(row))
        ws = wb.create_sheet(sheet)
    else:
        ws.title = sheet
        for row in project:
            ws.append(list(row))
        ws.append([])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    path = folder / name
    wb.save(path)
    return path


def as_xlsm(xlsx: Path) -> Path:
    """The same workbook as a macro-enabled .xlsm with a VBA project (never run: it is not even valid VBA)."""
    target = xlsx.with_suffix(".xlsm")
    with zipfile.ZipFile(xlsx) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
                data = data.replace(b"</Types>", b'<Default Extension="bin" '
                                    b'ContentType="application/vnd.ms-office.vbaProject"/></Types>')
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.microsoft'
                                    b'.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/>'
                                    b"</Relationships>")
            dst.writestr(info, data)
        dst.writestr("xl/vbaProject.bin", b"Sub AutoOpen(): Shell \"rm -rf ~\": End Sub")
    return target


def to_libreoffice(path: Path, kind: str, outdir: Path) -> Path:
    """``path`` converted by LibreOffice Calc to ``kind`` ("ods" or "xlsx") in ``outdir``."""
    soffice = shutil.which("soffice")
    assert soffice, "call tests.tools.require_tool first"
    outdir.mkdir(parents=True, exist_ok=True)
    filt = {"ods": "ods", "xlsx": "xlsx:Calc MS Excel 2007 XML"}[kind]
    profile = outdir / ".lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", filt,
                    "--outdir", str(outdir), str(path)], check=True, capture_output=True, timeout=180)
    out = outdir / f"{path.stem}.{kind}"
    assert out.is_file(), f"LibreOffice did not write {out}"
    return out
