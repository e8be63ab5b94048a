"""Cached formula results written into an .xlsx, so a reader without the add-in sees values, not ``#NAME?``.

Why: a workbook keeps each formula's last result next to the formula (``<c><f>…</f><v>…</v></c>``). Excel
for Mac or the web, LibreOffice without our extension, openpyxl's ``data_only=True``, our own reader and
every previewer show that stored value and never run the formula. openpyxl cannot store a result for a
formula cell, so after it has saved the workbook we write the ``<v>`` ourselves, from values our own code
computed (the same functions the formulas call). Cells of an array formula's range other than its first
hold plain cached values, as Excel writes them.

Only the worksheet parts named in ``values`` are touched; every other zip entry is copied byte for byte.
"""

from __future__ import annotations

import io
import math
import posixpath
import re
import zipfile
from collections.abc import Mapping
from typing import Any
from xml.etree import ElementTree as ET

from openpyxl.utils.cell import coordinate_from_string, range_boundaries
from openpyxl.utils.cell import get_column_letter as column_letter

from ka2forms.errors import InternalError

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

_ERROR = re.compile(r"#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA|SPILL!|CALC!)")

# (sheet title, top-left cell) -> a scalar, or rows of scalars for an array formula anchored there
CachedValues = Mapping[tuple[str, str], Any]


def _q(tag: str) -> str:
    return f"{{{MAIN}}}{tag}"


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> zip path of its worksheet part (through workbook.xml and its relationships)."""
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{{{PKG_REL}}}Relationship")}
    parts = {}
    for sheet in wb.iter(_q("sheet")):
        target = targets[sheet.get(f"{{{REL}}}id")]
        parts[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else \
            posixpath.normpath(posixpath.join("xl", target))
    return parts


def _set_value(cell: ET.Element, value: Any) -> None:
    """Store ``value`` as the cell's cached result, with the type attribute Excel uses for it."""
    for old in cell.findall(_q("v")) + cell.findall(_q("is")):
        cell.remove(old)
    has_formula = cell.find(_q("f")) is not None
    if value is None:
        cell.attrib.pop("t", None)
        if has_formula:  # an empty result: Excel writes an empty string
            cell.set("t", "str")
            ET.SubElement(cell, _q("v")).text = ""
        return
    if isinstance(value, bool):
        cell.set("t", "b")
        text = "1" if value else "0"
    elif isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise InternalError(f"cannot cache a non-finite number in {cell.get('r')}")
        cell.attrib.pop("t", None)
        text = repr(float(value)) if isinstance(value, float) and not value.is_integer() else str(int(value))
    elif isinstance(value, str):
        cell.set("t", "e" if _ERROR.fullmatch(value) else "str")
        text = value
    else:
        raise InternalError(f"cannot cache a {type(value).__name__} in {cell.get('r')}")
    ET.SubElement(cell, _q("v")).text = text


def _cell(sheet_data: ET.Element, ref: str) -> ET.Element:
    """The ``<c r=ref>`` element, created in row and column order when openpyxl did not write it."""
    _, row_no = coordinate_from_string(ref)
    rows = sheet_data.findall(_q("row"))
    row = next((r for r in rows if int(r.get("r", "0")) == row_no), None)
    if row is None:
        row = ET.Element(_q("row"), {"r": str(row_no)})
        after = [i for i, r in enumerate(list(sheet_data)) if int(r.get("r", "0")) < row_no]
        sheet_data.insert(after[-1] + 1 if after else 0, row)
    row.attrib.pop("spans", None)  # a hint only; a stale one would mislead readers
    cells = row.findall(_q("c"))
    for c in cells:
        if c.get("r") == ref:
            return c
    col = range_boundaries(f"{ref}:{ref}")[0]
    new = ET.Element(_q("c"), {"r": ref})
    before = [i for i, c in enumerate(list(row))
              if c.tag == _q("c") and range_boundaries(f"{c.get('r')}:{c.get('r')}")[0] < col]
    row.insert(before[-1] + 1 if before else 0, new)
    return new


def _fill_sheet(xml: bytes, values: dict[str, Any], sheet: str) -> bytes:
    root = ET.fromstring(xml)
    data = root.find(_q("sheetData"))
    if data is None:
        raise InternalError(f"{sheet}: worksheet part without sheetData")
    for ref, value in values.items():
        anchor = _cell(data, ref)
        f = anchor.find(_q("f"))
        if f is None:
            raise InternalError(f"{sheet}!{ref}: a cached value needs a formula there")
        if f.get("t") == "array":
            min_col, min_row, max_col, max_row = range_boundaries(f.get("ref", ref))
            # A single result fills the whole range (as Excel does); cells beyond a smaller result show #N/A.
            grid = [r if isinstance(r, list) else [r] for r in value] if isinstance(value, list) else None
            for i in range(min_row, max_row + 1):
                for j in range(min_col, max_col + 1):
                    if grid is None:
                        v = value
                    else:
                        row = grid[i - min_row] if i - min_row < len(grid) else []
                        v = row[j - min_col] if j - min_col < len(row) else "#N/A"
                    _set_value(anchor if (i, j) == (min_row, min_col) else _cell(data, f"{column_letter(j)}{i}"), v)
        else:
            if isinstance(value, list):
                raise InternalError(f"{sheet}!{ref}: a list result needs an array formula")
            _set_value(anchor, value)
    return _serialise(root)


_PREFIXES = {MAIN: "", REL: "r", "http://schemas.openxmlformats.org/markup-compatibility/2006": "mc",
             "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac": "x14ac"}


def _serialise(root: ET.Element) -> bytes:
    """The sheet with its usual prefixes, whatever other code put in ElementTree's global prefix registry.

    Why: the registry is process-wide (openpyxl registers "s" for the sheet namespace when its XML module is
    imported, which would turn every tag into <s:c>); ``default_namespace=`` refuses the sheet's unprefixed
    attributes. So our prefixes are set for this one call and the registry is given back as it was.
    """
    registry = ET._namespace_map  # the only handle the stdlib gives on prefixes
    saved = dict(registry)
    try:
        for uri, prefix in _PREFIXES.items():
            ET.register_namespace(prefix, uri)
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)
    finally:
        registry.clear()
        registry.update(saved)


def with_cached_values(xlsx: bytes, values: CachedValues) -> bytes:
    """The same workbook with ``values`` stored as the cached results of the formulas at those cells."""
    by_sheet: dict[str, dict[str, Any]] = {}
    for (sheet, ref), value in values.items():
        by_sheet.setdefault(sheet, {})[ref] = value
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src:
        parts = _sheet_parts(src)
        unknown = sorted(set(by_sheet) - set(parts))
        if unknown:
            raise InternalError(f"cached values for sheets the workbook does not have: {', '.join(unknown)}")
        patched = {parts[s]: (s, v) for s, v in by_sheet.items()}
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                data = src.read(info.filename)
                if info.filename in patched:
                    sheet, cells = patched[info.filename]
                    data = _fill_sheet(data, cells, sheet)
                dst.writestr(info, data)
    return out.getvalue()
