"""Builds real partner workbooks (.xlsx, written by openpyxl) and broken look-alikes for the tests.

A partner workbook has a ``Project`` sheet (labels in column A, values in column B) and a ``Partners``
sheet (one header row, one row per organisation). ``make_workbook`` writes one into a folder; every argument
has a good default, so a test states only what it changes:

    make_workbook(tmp_path, partners=partners_with(row(2, type="Univerzza")))

Column letters of the default header: A Role, B Organisation, C Country, D City, E Type, F PIC, G OID.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl

OMIT: Any = object()  # pass as project= or partners= to leave that sheet out of the workbook

HEADER = ["Role", "Organisation", "Country", "City", "Type", "PIC", "OID"]
COLUMN = dict(zip(("role", "organisation", "country", "city", "type", "pic", "oid"), "ABCDEFG", strict=True))

GOOD_PROJECT: dict[str, Any] = {
    "Action": "KA220-VET",
    "Call year": 2025,
    "Title": "Robotics Labs for Mechatronics Apprentices",
    "Acronym": "ROBOVET",
    "Duration (months)": 24,
    "Requested grant (EUR)": 250000,
}
# Row numbers of GOOD_PROJECT's labels: Action 1, Call year 2, Title 3, Acronym 4, Duration 5, Grant 6.

GOOD_ROWS: list[list[Any]] = [
    ["Coordinator", "Šolski center Celje", "SI", "Celje", "VET", "948615302", "E10119846"],
    ["Partner", "Müller Präzisionstechnik GmbH", "Deutschland", "Köln", "SME", "892147635", "E10301458"],
    ["Partner", "Győri Szakképzési Centrum", "Magyarország", "Győr", "VET", None, "E10198452"],
]
# Sheet rows of GOOD_ROWS: 2, 3 and 4 (row 1 is the header).


def good_rows() -> list[list[Any]]:
    """A fresh copy of the three good partner rows (tests may change them)."""
    return [list(r) for r in GOOD_ROWS]


def row(sheet_row: int, **changes: Any) -> tuple[int, dict[str, Any]]:
    """A change to one good partner row, by its sheet row (2, 3 or 4) and column keys (role=, type=, …)."""
    return sheet_row, changes


def partners_with(*changes: tuple[int, dict[str, Any]], header: Sequence[str] = HEADER) -> list[list[Any]]:
    """The good partner table (header + 3 rows) with some cells changed; ``None`` empties a cell."""
    rows = good_rows()
    keys = list(COLUMN)
    for sheet_row, cells in changes:
        for key, value in cells.items():
            rows[sheet_row - 2][keys.index(key)] = value
    return [list(header), *rows]


def project_with(**changes: Any) -> dict[str, Any]:
    """GOOD_PROJECT with labels changed by keyword: action=, call_year=, title=, acronym=, duration=, grant=.

    A value of OMIT removes that label's row entirely (the rows below move up).
    """
    names = {"action": "Action", "call_year": "Call year", "title": "Title", "acronym": "Acronym",
             "duration": "Duration (months)", "grant": "Requested grant (EUR)"}
    project = dict(GOOD_PROJECT)
    for key, value in changes.items():
        label = names[key]
        if value is OMIT:
            project.pop(label)
        else:
            project[label] = value
    return project


def make_workbook(
    folder: Path,
    project: Mapping[str, Any] | Sequence[Sequence[Any]] | None = None,
    partners: Sequence[Sequence[Any]] | None = None,
    name: str = "workbook.xlsx",
    *,
    project_sheet: str = "Project",
    partners_sheet: str = "Partners",
    extra_sheets: Sequence[str] = (),
    sheets: Mapping[str, Sequence[Sequence[Any]]] | None = None,
) -> Path:
    """Write a real .xlsx partner workbook and return its path.

    ``project``: a mapping label → value (one row each, in order), or a list of rows written as they are
    (to add blank rows or notes); None means GOOD_PROJECT, OMIT leaves the sheet out.
    ``partners``: rows written as they are, the first being the header; None means the good table.
    ``sheets``: more sheets by name, each with its rows written as they are (a Travel plan, a Budget…).
    """
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    if project is not OMIT:
        ws = wb.create_sheet(project_sheet)
        rows = (list(GOOD_PROJECT.items()) if project is None
                else list(project.items()) if isinstance(project, Mapping) else project)
        for r in rows:
            ws.append(list(r))
    if partners is not OMIT:
        ws = wb.create_sheet(partners_sheet)
        for r in partners if partners is not None else [HEADER, *good_rows()]:
            ws.append(list(r))
    for sheet in extra_sheets:
        wb.create_sheet(sheet)
    for sheet, sheet_rows in (sheets or {}).items():
        ws = wb.create_sheet(sheet)
        for r in sheet_rows:
            ws.append(list(r))
    path = Path(folder) / name
    wb.save(path)
    return path


def zip_file(path: Path, members: Mapping[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """A zip archive with the given members (name → bytes)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as z:
        for member, data in members.items():
            z.writestr(member, data)
    path.write_bytes(buf.getvalue())
    return path


MINIMAL_WORKBOOK_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Project" sheetId="1" r:id="rId1"/></sheets></workbook>'
)


def with_shared_strings(source: Path, target: Path) -> Path:
    """A copy of ``source`` whose texts are in a shared-string table (``t="s"``), as Excel itself writes them.

    openpyxl writes inline strings; the reader must also survive what Excel writes, so the robustness tests
    and the fuzz corpus use both forms.
    """
    import re

    with zipfile.ZipFile(source) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    strings: list[str] = []

    def shared(m: re.Match[str]) -> str:
        strings.append(m.group(3))
        return f'<c r="{m.group(1)}"{m.group(2)} t="s"><v>{len(strings) - 1}</v></c>'

    for name in list(parts):
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            text = parts[name].decode("utf-8")
            text = re.sub(r'<c r="([A-Z]+\d+)"((?: s="\d+")?) t="inlineStr"><is><t(?: [^>]*)?>(.*?)</t></is></c>',
                          shared, text)
            parts[name] = text.encode("utf-8")
    items = "".join(f'<si><t xml:space="preserve">{s}</t></si>' for s in strings)
    parts["xl/sharedStrings.xml"] = (f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                                     f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>').encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    parts["xl/_rels/workbook.xml.rels"] = rels.replace("</Relationships>", (
        '<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'sharedStrings" Target="sharedStrings.xml"/></Relationships>')).encode()
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace("</Types>", (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sharedStrings+xml"/></Types>')).encode()
    return zip_file(target, parts)


def slow_workbook(folder: Path, *, name: str = "slow.xlsx", rows: int = 4_000, cols: int = 250) -> Path:
    """A valid-looking workbook whose Partners sheet has ``rows`` extra rows of ``cols`` cells of varied text:
    it takes seconds to read with openpyxl (for the batch time limit; set KA2FORMS_XLSX_READER=openpyxl, since
    python-calamine reads it in a blink), yet stays under the reader's row cap and zip-bomb ratio."""
    import random

    path = make_workbook(folder, name=name)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    rng = random.Random(7)
    letters = [_letters(c) for c in range(8, 8 + cols)]
    extra = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{col}{r}"><v>{rng.getrandbits(40)}</v></c>' for col in letters) + "</row>"
        for r in range(5, 5 + rows))
    sheet = parts["xl/worksheets/sheet2.xml"].decode()
    parts["xl/worksheets/sheet2.xml"] = sheet.replace("</sheetData>", extra + "</sheetData>").encode()
    return zip_file(path, parts)


def _letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out
