"""Partner workbooks written part by part the way other programs write .xlsx, for the reader's corpus.

Excel and Google Sheets cannot run here, so these builders write the zip parts themselves, with what those
producers put in them and openpyxl does not (public reports of readers that broke on each are cited):

* **Excel** (``excel``): the ``mc:Ignorable="x14ac xr xr2 xr3"`` namespaces with ``x14ac:dyDescent`` on
  rows, ``spans``, ``xr:uid`` (the sheet XML quoted in ycphs/openxlsx#112); strings in the shared-string
  table, some as rich text runs (a bold first word); shared formulas (``<f t="shared" si="0" ref=…>`` in the
  first cell, ``<f t="shared" si="0"/>`` in the others) with their cached results; dates as serial numbers
  with a date style; ``date1904="1"`` in ``workbookPr`` for a file from Excel for Mac's 1904 date system.
* **Google Sheets** (``google``): no ``<dimension>`` in the sheets (tidyverse/readxl#26, "Invalid sheet xml
  (no <dimension>) from some xlsx files created by Google Sheets"; dbzhang800/QtXlsxWriter#43), rows without
  ``spans``, no ``docProps/app.xml``.
* **Report generators** (``inline``, as writexl and Power BI exports: ycphs/openxlsx#161,
  dilshod/xlsx2csv#311): no shared-string table (``t="inlineStr"`` cells), no ``styles.xml``, and cells
  and rows without ``r`` references (ringabout/xlsx#23: positions implied by order).
* **Formulas without saved results**: a file written by a program that stores formulas but never computes
  them (``<f>`` with no ``<v>``). ``Formula(text, None)``.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
XR = "http://schemas.microsoft.com/office/spreadsheetml/2014/revision"


@dataclass(frozen=True)
class Formula:
    """A formula cell; ``cached`` is its saved result (None: not saved); ``shared`` makes it one cell of a
    shared formula: "first:REF" for the anchor (it carries the text), "next" for the others."""

    text: str
    cached: Any = None
    shared: str | None = None


@dataclass(frozen=True)
class Rich:
    """A string written as rich-text runs (the first one bold), as Excel stores a partly formatted cell."""

    runs: tuple[str, ...]


@dataclass(frozen=True)
class Serial:
    """A date typed in Excel: a serial day number in a cell with a date style (numFmtId 14)."""

    days: float


def _col(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


class _Strings:
    def __init__(self) -> None:
        self.items: list[str] = []
        self.index: dict[str, int] = {}

    def add(self, xml: str) -> int:
        if xml not in self.index:
            self.index[xml] = len(self.items)
            self.items.append(xml)
        return self.index[xml]


def _t(text: str) -> str:
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<t{space}>{escape(text)}</t>"


def _cell(ref: str | None, value: Any, flavour: str, strings: _Strings, si: dict[str, int]) -> str:
    r = f' r="{ref}"' if ref else ""
    if value is None:
        return ""
    if isinstance(value, Formula):
        f = value
        if f.shared and f.shared.startswith("first:"):
            key = f.shared.split(":", 1)[1]
            si.setdefault(key, len(si))
            ftag = f'<f t="shared" ref="{key}" si="{si[key]}">{escape(f.text)}</f>'
        elif f.shared:
            ftag = f'<f t="shared" si="{si[f.shared]}"/>'
        else:
            ftag = f"<f>{escape(f.text)}</f>"
        if f.cached is None:
            return f"<c{r}>{ftag}</c>"
        if isinstance(f.cached, str):
            return f'<c{r} t="str">{ftag}<v>{escape(f.cached)}</v></c>'
        return f"<c{r}>{ftag}<v>{f.cached}</v></c>"
    if isinstance(value, Serial):
        return f'<c{r} s="1"><v>{value.days}</v></c>'
    if isinstance(value, bool):
        return f'<c{r} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f"<c{r}><v>{value}</v></c>"
    if isinstance(value, Rich):
        first, *rest = value.runs
        xml = f'<r><rPr><b/><sz val="11"/><rFont val="Calibri"/></rPr>{_t(first)}</r>' + \
              "".join(f'<r><rPr><sz val="11"/><rFont val="Calibri"/></rPr>{_t(x)}</r>' for x in rest)
        if flavour == "inline":
            return f'<c{r} t="inlineStr"><is>{xml}</is></c>'
        return f'<c{r} t="s"><v>{strings.add(xml)}</v></c>'
    text = str(value)
    if flavour == "inline":
        return f'<c{r} t="inlineStr"><is>{_t(text)}</is></c>'
    return f'<c{r} t="s"><v>{strings.add(_t(text))}</v></c>'


def _sheet(rows: Sequence[Sequence[Any]], flavour: str, strings: _Strings) -> str:
    si: dict[str, int] = {}
    width = max((len(r) for r in rows), default=1)
    out = []
    for i, row in enumerate(rows, start=1):
        cells = "".join(_cell(None if flavour == "inline" else f"{_col(j)}{i}", v, flavour, strings, si)
                        for j, v in enumerate(row, start=1))
        if flavour == "inline":
            # positions implied by order: a row element for every row, an empty cell for every gap
            cells = "".join(_cell(None, v, flavour, strings, si) or "<c/>" for v in row)
            out.append(f"<row>{cells}</row>")
        elif flavour == "excel":
            out.append(f'<row r="{i}" spans="1:{width}" x14ac:dyDescent="0.25">{cells}</row>')
        else:
            out.append(f'<row r="{i}">{cells}</row>')
    data = "<sheetData>" + "".join(out) + "</sheetData>"
    if flavour == "excel":
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet xmlns="{MAIN}" '
                f'xmlns:r="{REL}" xmlns:mc="{MC}" mc:Ignorable="x14ac xr xr2 xr3" xmlns:x14ac="{X14AC}" '
                f'xmlns:xr="{XR}" xr:uid="{{6F1B6C0E-5D43-4B5B-9A55-2E0B0C9C2D11}}">'
                f'<dimension ref="A1:{_col(width)}{max(len(rows), 1)}"/><sheetViews><sheetView '
                'workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/>'
                f'{data}<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
                "</worksheet>")
    if flavour == "google":
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN}" '
                f'xmlns:r="{REL}"><sheetPr><outlinePr summaryBelow="0" summaryRight="0"/></sheetPr>'
                '<sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr customHeight="1" '
                f'defaultColWidth="12.63" defaultRowHeight="15.75"/>{data}</worksheet>')
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}" xmlns:r="{REL}">{data}</worksheet>'


STYLES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="{MAIN}">'
          '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
          '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
          '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
          '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def write_xlsx(path: Path, sheets: Mapping[str, Sequence[Sequence[Any]]], *, flavour: str = "excel",
               date1904: bool = False, hidden: Sequence[str] = ()) -> Path:
    """Write ``sheets`` (name → rows of values, ``Formula``, ``Rich``, ``Serial``) as ``flavour`` writes them."""
    strings = _Strings()
    parts = {f"xl/worksheets/sheet{i}.xml": _sheet(rows, flavour, strings)
             for i, rows in enumerate(sheets.values(), start=1)}
    names = list(sheets)
    wb_pr = '<workbookPr date1904="1" defaultThemeVersion="166925"/>' if date1904 else (
        '<workbookPr defaultThemeVersion="166925"/>' if flavour == "excel" else "<workbookPr/>")
    state = {n: ' state="hidden"' for n in hidden}
    sheet_tags = "".join(f'<sheet name="{escape(n)}" sheetId="{i}"{state.get(n, "")} r:id="rId{i}"/>'
                         for i, n in enumerate(names, start=1))
    head = ('<fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="27328"/>'
            if flavour == "excel" else "")
    workbook = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{MAIN}" '
                f'xmlns:r="{REL}">{head}{wb_pr}<bookViews><workbookView activeTab="0"/></bookViews>'
                f'<sheets>{sheet_tags}</sheets>'
                + ('<calcPr calcId="191029"/>' if flavour == "excel" else "") + "</workbook>")
    rels = [f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(names) + 1)]
    types = [f'<Override PartName="/{p}" ContentType="application/vnd.openxmlformats-officedocument.'
             'spreadsheetml.worksheet+xml"/>' for p in parts]
    n = len(names)
    if flavour != "inline":
        rels.append(f'<Relationship Id="rId{n + 1}" Type="{REL}/styles" Target="styles.xml"/>')
        types.append('<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
                     'officedocument.spreadsheetml.styles+xml"/>')
        parts["xl/styles.xml"] = STYLES
        sst = "".join(f"<si>{x}</si>" for x in strings.items)
        parts["xl/sharedStrings.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst '
                                         f'xmlns="{MAIN}" count="{len(strings.items)}" '
                                         f'uniqueCount="{len(strings.items)}">{sst}</sst>')
        rels.append(f'<Relationship Id="rId{n + 2}" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>')
        types.append('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                     'officedocument.spreadsheetml.sharedStrings+xml"/>')
    parts["xl/workbook.xml"] = workbook
    parts["xl/_rels/workbook.xml.rels"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                           f'<Relationships xmlns="{PKG}">{"".join(rels)}</Relationships>')
    root_rels = [f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>']
    if flavour == "excel":
        parts["docProps/app.xml"] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns='
                                     '"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
                                     "<Application>Microsoft Excel</Application><AppVersion>16.0300</AppVersion>"
                                     "</Properties>")
        root_rels.append(f'<Relationship Id="rId2" Type="{REL}/extended-properties" Target="docProps/app.xml"/>')
        types.append('<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
                     'officedocument.extended-properties+xml"/>')
    parts["_rels/.rels"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PKG}">'
                            f'{"".join(root_rels)}</Relationships>')
    parts["[Content_Types].xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        f'spreadsheetml.sheet.main+xml"/>{"".join(types)}</Types>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name in ["[Content_Types].xml", "_rels/.rels", *[p for p in parts if p not in
                                                              ("[Content_Types].xml", "_rels/.rels")]]:
            z.writestr(name, parts[name])
    return path
