"""Any spreadsheet file → sheets of cell values, so the layout logic never knows which program wrote it.

.xlsx/.xlsm go through openpyxl (read-only, cached values: formulas never evaluated, macros never run);
.ods is read here from its XML (pure Python: no LibreOffice, no extra dependency); .csv is one sheet of
text. Each sheet also says which rows are hidden (a dropped partner may hide there) and where its Excel
tables (ListObjects) are, so a table can be found by its name.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from xml.etree.ElementTree import iterparse

from ka2forms.errors import Location, WorkbookError
from ka2forms.i18n import _
from ka2forms.readers.cells import column_letter

Row = tuple[Any, ...]
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".csv")
MAX_ROWS = 5000          # a partner workbook has tens of rows; more is not a partner table
CALAMINE_MAX_CELLS = 200_000  # calamine's dense grid from A1: a partner workbook spans a few hundred cells
MAX_CSV_BYTES = 5_000_000


@dataclass(frozen=True)
class TableRange:
    """An Excel table's cells, 1-based and inclusive."""

    min_row: int
    min_col: int
    max_row: int
    max_col: int


@dataclass
class Sheet:
    """One sheet: its title, its rows, hidden rows (1-based) and Excel tables — each read when first asked for."""

    title: str
    _load: Callable[[], list[Row]]
    _load_hidden: Callable[[], frozenset[int]] = frozenset
    _load_tables: Callable[[], dict[str, TableRange]] = dict
    _cache: dict[str, Any] = field(default_factory=dict)
    hidden: bool = False  # the sheet itself is hidden (Excel: hidden or very hidden; Calc: not displayed)
    _load_uncached: Callable[[], frozenset[str]] = frozenset

    @property
    def uncached(self) -> frozenset[str]:
        """Cells ("B5") holding a formula whose result is not saved in the file: they read as empty, but are
        not (a program that writes formulas without computing them). Read from the XML on first use."""
        if "uncached" not in self._cache:
            self._cache["uncached"] = self._load_uncached()
        return self._cache["uncached"]  # type: ignore[no-any-return]

    def rows(self) -> list[Row]:
        if "rows" not in self._cache:
            self._cache["rows"] = self._load()
        return self._cache["rows"]  # type: ignore[no-any-return]

    @property
    def hidden_rows(self) -> frozenset[int]:
        if "hidden" not in self._cache:
            self._cache["hidden"] = self._load_hidden()
        return self._cache["hidden"]  # type: ignore[no-any-return]

    @property
    def tables(self) -> dict[str, TableRange]:
        if "tables" not in self._cache:
            self._cache["tables"] = self._load_tables()
        return self._cache["tables"]  # type: ignore[no-any-return]


@dataclass
class Grid:
    """The sheets of one file, in order; ``kind`` is "xlsx", "ods" or "csv"."""

    kind: str
    sheets: list[Sheet]
    close: Callable[[], None] = lambda: None


def open_grid(path: Path) -> Grid:
    """The file's sheets. Raises WorkbookError with a plain reason for anything that is not a spreadsheet."""
    if path.suffix.lower() == ".csv":
        return _csv(path)
    if path.is_file() and not path.name.startswith("~$") and _is_ods(path):
        return _ods(path)
    return _xlsx(path)  # also every refusal: missing file, folder, lock file, .xls, password, PDF…


def _is_ods(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            head = f.read(128)
    except OSError:
        return False
    return head.startswith(b"PK") and ODS_MIME in head


# ─────────────────────────────────────────── .xlsx / .xlsm ───────────────────────────────────────────


def xlsx_backend() -> str:
    """"calamine" when python-calamine is installed (``pip install ka2forms[fast]``), else "openpyxl".

    ``KA2FORMS_XLSX_READER=openpyxl`` forces openpyxl. Both give the same reading (a test reads the whole
    corpus with each); calamine (Rust) opens a workbook about 30 times faster.
    """
    choice = os.environ.get("KA2FORMS_XLSX_READER", "auto")
    if choice == "openpyxl":
        return "openpyxl"
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        if choice == "calamine":
            raise
        return "openpyxl"
    return "calamine"


class Archive(Protocol):
    """What the part readers need of a workbook's zip: openpyxl's ZipFile or :class:`_Parts`."""

    def read(self, name: str) -> bytes: ...


class _Parts:
    """A workbook's zip, each part decompressed at most once: the fast reader's safety scan, its hidden-row,
    table and formula checks all read the same sheet parts (the preflight has already bounded their size)."""

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path)
        self._read: dict[str, bytes] = {}

    def namelist(self) -> list[str]:
        return self.zip.namelist()

    def read(self, name: str) -> bytes:
        data = self._read.get(name)
        if data is None:
            data = self._read[name] = self.zip.read(name)
        return data

    def close(self) -> None:
        self._read.clear()
        self.zip.close()


def _xlsx(path: Path) -> Grid:
    if xlsx_backend() == "calamine":
        from ka2forms.readers.xlsx_file import guard, preflight

        preflight(path)   # FIFOs, devices, link loops, zip bombs: refused before anything opens the file
        try:
            parts = _Parts(path)
        except Exception:
            parts = None          # openpyxl's reader, below, says what is wrong with the file
        if parts is not None and _calamine_safe(parts):
            return _xlsx_calamine(path, parts)
        if parts is not None:
            with guard(path):
                parts.close()
    from ka2forms.readers.xlsx_file import guard, open_workbook, sheet_rows

    wb = open_workbook(path)
    archive = getattr(wb, "_archive", None)
    sheets = []
    with guard(path):
        worksheets = [(ws, str(ws.title)) for ws in wb.worksheets]
        hidden_sheets = _xlsx_hidden_sheets(archive) if archive is not None else frozenset()
    for ws, title in worksheets:
        xml_path = getattr(ws, "_worksheet_path", None)

        # Every read of the file happens in these loaders, each under the reader's guard (xlsx_file.guard):
        # openpyxl parses a sheet only while it is iterated, so a damaged part fails here, not at the open.
        def hidden(xml_path: str | None = xml_path, title: str = title) -> frozenset[int]:
            with guard(path, title):
                return _xlsx_hidden(archive, xml_path) if archive is not None and xml_path else frozenset()

        def tables(xml_path: str | None = xml_path, title: str = title) -> dict[str, TableRange]:
            with guard(path, title):
                return _xlsx_tables(archive, xml_path) if archive is not None and xml_path else {}

        def load(ws: Any = ws) -> list[Row]:
            # Rows as long as their last cell (a wrong <dimension> neither cuts nor pads them), every value
            # checked (xlsx_file.check_value), read whole under the guard.
            return sheet_rows(ws, path, max_rows=MAX_ROWS)

        def uncached(xml_path: str | None = xml_path, title: str = title) -> frozenset[str]:
            with guard(path, title):
                return _xlsx_uncached(archive, xml_path) if archive is not None and xml_path else frozenset()

        sheets.append(Sheet(title, load, hidden, tables, hidden=title in hidden_sheets, _load_uncached=uncached))

    def close() -> None:
        with contextlib.suppress(Exception):
            wb.close()

    return Grid("xlsx", sheets, close)


def _xlsx_calamine(path: Path, archive: _Parts) -> Grid:
    """The fast reader: every part read under the same guard, and every value checked, as with openpyxl."""
    from python_calamine import CalamineWorkbook

    from ka2forms.readers.xlsx_file import guard

    with guard(path):
        wb = CalamineWorkbook.from_path(str(path))
        names = list(wb.sheet_names)
        parts = _sheet_parts(archive)
        hidden_sheets = _xlsx_hidden_sheets(archive)
    sheets = []
    for name in names:
        def load(name: str = name) -> list[Row]:
            with guard(path, name):
                rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            return _checked_rows(path, name, rows)

        def hidden(part: str | None = parts.get(name), name: str = name) -> frozenset[int]:
            with guard(path, name):
                return _xlsx_hidden(archive, part) if part else frozenset()

        def tables(part: str | None = parts.get(name), name: str = name) -> dict[str, TableRange]:
            with guard(path, name):
                return _xlsx_tables(archive, part) if part else {}

        def uncached(part: str | None = parts.get(name), name: str = name) -> frozenset[str]:
            with guard(path, name):
                return _xlsx_uncached(archive, part) if part else frozenset()

        sheets.append(Sheet(name, load, hidden, tables, hidden=name in hidden_sheets, _load_uncached=uncached))

    def close() -> None:
        archive.close()
        with contextlib.suppress(Exception):
            wb.close()

    return Grid("xlsx", sheets, close)


_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,4})([0-9]{1,8})"')


def _calamine_safe(archive: _Parts) -> bool:
    """Whether calamine may read this file: it holds each sheet as a dense grid from A1 to the last cell, so a
    damaged or hostile sheet with one cell at XFD1048576 would take gigabytes. The cell references are scanned
    first (a regular expression over each sheet part, well under a millisecond for a partner workbook); a file
    whose sheets span more than CALAMINE_MAX_CELLS, or that cannot be scanned, goes to openpyxl, which reads
    cell by cell (only the cells there are) and reports a sheet over its budget as an error with its place."""
    try:
        for name in archive.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            refs = _REF.findall(archive.read(name))
            if not refs:
                continue
            rows = max(map(int, (r for _, r in refs)))
            widest = max(map(len, (c for c, _ in refs)))
            cols = _col(max(c for c, _ in refs if len(c) == widest).decode())   # same length: by letters
            if rows * cols > CALAMINE_MAX_CELLS:
                return False
    except Exception:
        return False
    return True


def _checked_rows(path: Path, sheet: str, rows: list[list[Any]]) -> list[Row]:
    """Calamine's rows (from A1) as openpyxl's reader gives them, every value checked (xlsx_file.check_value);
    rows past MAX_ROWS that hold anything are a problem, never dropped without a word."""
    from ka2forms.errors import Problem, WorkbookInvalid
    from ka2forms.readers.xlsx_file import check_value

    problems: list[Problem] = []
    out: list[Row] = []
    for r, raw in enumerate(rows, start=1):
        values = [_calamine_value(v) for v in raw]
        if r > MAX_ROWS:
            if any(v is not None for v in values):
                problems.append(Problem(Location(file=str(path), sheet=sheet, cell=f"A{r}"), _too_many_rows()))
                break
            continue
        for c, v in enumerate(values, start=1):
            if (why := check_value(v)) is not None:
                problems.append(Problem(Location(file=str(path), sheet=sheet, cell=f"{column_letter(c)}{r}"),
                                        _("cannot be read: {why}").format(why=why)))
                values[c - 1] = None
        while values and values[-1] is None:
            values.pop()
        out.append(tuple(values))
    if problems:
        raise WorkbookInvalid(problems[:200])
    return out


def _calamine_value(v: Any) -> Any:
    """Calamine's values as openpyxl gives them: empty cells None, whole numbers int."""
    if v == "":
        return None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]+)"')
_SHEET_ALT = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\br:id="([^"]+)"[^>]*?\bname="([^"]*)"')
_REL = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]+)"[^>]*?\bTarget="([^"]+)"')
_REL_ALT = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]+)"[^>]*?\bId="([^"]+)"')


def _part(archive: Archive, name: str) -> bytes | None:
    """A part of the workbook's zip, or None when it has no such part (an optional part: rels, tables)."""
    try:
        return archive.read(name)
    except KeyError:
        return None


def _sheet_parts(archive: Archive) -> dict[str, str]:
    """Sheet name → its worksheet part ("xl/worksheets/sheet1.xml"), for the hidden rows and tables."""
    from html import unescape

    book = archive.read("xl/workbook.xml")
    rels = _part(archive, "xl/_rels/workbook.xml.rels")
    if rels is None:
        return {}
    targets = {m.group(1): m.group(2) for m in _REL.finditer(rels)}
    targets.update({m.group(2): m.group(1) for m in _REL_ALT.finditer(rels)})
    sheets = [(m.group(1), m.group(2)) for m in _SHEET.finditer(book)]
    sheets += [(m.group(2), m.group(1)) for m in _SHEET_ALT.finditer(book)]
    out = {}
    for name, rid in sheets:
        target = targets.get(rid)
        if target:
            t = target.decode()
            out[unescape(name.decode())] = t.lstrip("/") if t.startswith("/") else _join("xl", t)
    return out


_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_SHEET_NAME = re.compile(rb'\bname="([^"]*)"')
_SHEET_STATE = re.compile(rb'\bstate="(?:hidden|veryHidden)"')


def _xlsx_hidden_sheets(archive: Archive) -> frozenset[str]:
    """Names of the sheets ``xl/workbook.xml`` marks hidden or very hidden (``state="hidden"``)."""
    from html import unescape

    book = _part(archive, "xl/workbook.xml")
    if book is None:
        return frozenset()
    return frozenset(unescape(m.group(1).decode("utf-8", "replace")) for tag in _SHEET_TAG.finditer(book)
                     if _SHEET_STATE.search(tag.group(1)) for m in [_SHEET_NAME.search(tag.group(1))] if m)


_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ATTR_R = re.compile(rb'\br="(\d+)"')
_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')
_TABLE_TARGET = re.compile(rb'Type="[^"]*/table"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Type="[^"]*/table"')
_TABLE_ATTRS = re.compile(rb'<(?:\w+:)?table\b[^>]*?\bdisplayName="([^"]+)"[^>]*?\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _xlsx_hidden(archive: Archive, xml_path: str) -> frozenset[int]:
    """Hidden rows of one worksheet part (openpyxl's read-only mode does not load them)."""
    data = _part(archive, xml_path)
    if data is None:
        return frozenset()
    return frozenset(int(m.group(1)) for tag in _ROW_TAG.finditer(data) if _HIDDEN.search(tag.group(1))
                     for m in [_ATTR_R.search(tag.group(1))] if m)


_ROW_OR_CELL = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*?)(/?)>")
_CELL_END = re.compile(rb"</(?:\w+:)?c>")
_CELL_REF = re.compile(rb'\br="([A-Z]{1,4})(\d{1,8})"')
_HAS_F = re.compile(rb"<(?:\w+:)?f\b")
_HAS_V = re.compile(rb"<(?:\w+:)?(?:v|is)\b")
_F_THEN_V = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>[^<]*</(?:\w+:)?f>)\s*<(?:\w+:)?(?:v|is)\b")


def _xlsx_uncached(archive: Archive, xml_path: str) -> frozenset[str]:
    """Cells of one worksheet part with a formula (``<f>``) and no saved result (no ``<v>``). Rows and cells
    without an ``r`` reference follow the one before (as some report generators write them)."""
    data = _part(archive, xml_path)
    if data is None:
        return frozenset()
    formulas = len(_HAS_F.findall(data))
    if not formulas or len(_F_THEN_V.findall(data)) == formulas:   # every formula has its result (the usual)
        return frozenset()
    out: set[str] = set()
    row = col = 0
    pos = 0
    while (m := _ROW_OR_CELL.search(data, pos)) is not None:
        pos = m.end()
        attrs = m.group(2)
        if m.group(1) == b"row":
            r = _ATTR_R.search(attrs)
            row = int(r.group(1)) if r else row + 1
            col = 0
            continue
        ref = _CELL_REF.search(attrs)
        col = _col(ref.group(1).decode()) if ref else col + 1
        if m.group(3):        # <c …/>: empty
            continue
        end = _CELL_END.search(data, pos)
        inner = data[pos:end.start()] if end else b""
        pos = end.end() if end else pos
        if _HAS_F.search(inner) and not _HAS_V.search(inner):
            out.add(f"{column_letter(col)}{row}")
    return frozenset(out)


def _xlsx_tables(archive: Archive, xml_path: str) -> dict[str, TableRange]:
    """Excel tables (ListObjects) on one worksheet, by name (openpyxl's read-only mode does not load them)."""
    folder, _, name = xml_path.rpartition("/")
    tables: dict[str, TableRange] = {}
    rels = _part(archive, f"{folder}/_rels/{name}.rels")
    if rels is None:
        return tables
    for m in _TABLE_TARGET.finditer(rels):
        target = (m.group(1) or m.group(2)).decode()
        part = target.lstrip("/") if target.startswith("/") else _join(folder, target)
        data = _part(archive, part)
        if data is None:
            continue
        t = _TABLE_ATTRS.search(data)
        if t:
            tables[t.group(1).decode()] = TableRange(int(t.group(3)), _col(t.group(2).decode()), int(t.group(5)),
                                                     _col(t.group(4).decode()))
    return tables


def _join(folder: str, target: str) -> str:
    parts = folder.split("/")
    for piece in target.split("/"):
        if piece == "..":
            parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


# ─────────────────────────────────────────────── .ods ───────────────────────────────────────────────

_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_X = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
MAX_REPEAT = 1000  # LibreOffice writes trailing empty rows and columns as one element "repeated 1 048 000"


def _ods(path: Path) -> Grid:
    from ka2forms.readers.xlsx_file import check_zip

    where = Location(file=str(path))
    check_zip(path, where, required="content.xml", kind=_("an .ods spreadsheet"))
    try:
        with zipfile.ZipFile(path) as z:
            if "encryption-data" in z.read("META-INF/manifest.xml").decode("utf-8", "replace"):
                raise WorkbookError(_("a password-protected .ods file: save it again without a password"),
                                    where=where)
            content = z.read("content.xml")
        sheets = _ods_sheets(content)
    except WorkbookError as e:
        if not e.where.file:
            e.where = where
        raise
    except Exception as e:  # a damaged part: say so, never a traceback
        raise WorkbookError(_("damaged .ods file: {error}").format(error=f"{e.__class__.__name__}: {e}"),
                            where=where) from None
    return Grid("ods", sheets)


def _ods_value(cell: Any) -> Any:
    kind = cell.get(f"{_O}value-type")
    if kind in ("float", "percentage", "currency"):
        number = float(cell.get(f"{_O}value") or "nan")
        return int(number) if number.is_integer() else number
    if kind == "boolean":
        return cell.get(f"{_O}boolean-value") == "true"
    if kind == "date":
        return cell.get(f"{_O}date-value")
    paragraphs = ["".join(p.itertext()) for p in cell.iter(f"{_X}p")]
    text = "\n".join(paragraphs)
    return text if text else None


_S = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_ODS_CELL = re.compile(r"^\$?(?:'((?:[^']|'')+)'|([^.']*))\.\$?([A-Z]{1,4})\$?(\d{1,8})$")


def _ods_address(address: str) -> tuple[str, TableRange] | None:
    """``Partners.A1:Partners.G5``, ``$'Travel plan'.$A$1:.$G$5`` → (sheet, range); None for anything else
    (several ranges, whole columns, a formula)."""
    first, sep, last = address.strip().partition(":")
    a = _ODS_CELL.match(first)
    b = _ODS_CELL.match(last if sep else first)
    if a is None or b is None:
        return None
    sheet = (a.group(1) or "").replace("''", "'") or a.group(2)
    other = (b.group(1) or "").replace("''", "'") or b.group(2)
    if not sheet or (other and other != sheet):
        return None
    r1, c1, r2, c2 = int(a.group(4)), _col(a.group(3)), int(b.group(4)), _col(b.group(3))
    return sheet, TableRange(min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


def _ods_sheets(content: bytes) -> list[Sheet]:
    """Sheets of content.xml, with hidden rows, hidden sheets (a table style with ``table:display="false"``)
    and named tables: LibreOffice's database ranges (what an Excel table becomes) and named ranges."""
    sheets: list[Sheet] = []
    rows: list[Row] = []
    hidden: set[int] = set()
    row: list[Any] = []
    undisplayed: set[str] = set()   # table styles that hide their sheet
    tables: dict[str, dict[str, TableRange]] = {}   # sheet → name → range (they follow the sheets in the file)
    for event, el in iterparse(io.BytesIO(content), events=("start", "end")):
        tag = el.tag
        if event == "start":
            if tag == f"{_T}table":
                rows, hidden = [], set()
            elif tag == f"{_T}table-row":
                row = []
            continue
        if tag == f"{_S}table-properties" and el.get(f"{_T}display") == "false":
            undisplayed.add("")   # the enclosing style's name is set when it ends
            continue
        if tag == f"{_S}style":
            if "" in undisplayed:
                undisplayed.discard("")
                undisplayed.add(el.get(f"{_S}name", ""))
            continue
        if tag in (f"{_T}database-range", f"{_T}named-range"):
            address = el.get(f"{_T}target-range-address") or el.get(f"{_T}cell-range-address") or ""
            name = el.get(f"{_T}name")
            found = _ods_address(address)
            if name and found and not name.startswith("__Anonymous_Sheet_DB__"):
                tables.setdefault(found[0], {}).setdefault(name, found[1])
            continue
        if tag in (f"{_T}table-cell", f"{_T}covered-table-cell"):
            value = _ods_value(el) if tag == f"{_T}table-cell" else None
            repeat = int(el.get(f"{_T}number-columns-repeated", "1"))
            row.extend([value] * min(repeat, MAX_REPEAT))
            el.clear()
        elif tag == f"{_T}table-row":
            while row and row[-1] is None:
                row.pop()
            repeat = int(el.get(f"{_T}number-rows-repeated", "1"))
            collapsed = el.get(f"{_T}visibility") in ("collapse", "filter")
            for _rep in range(min(repeat, MAX_REPEAT)):
                if len(rows) >= MAX_ROWS:
                    if row:   # a row with content past the limit is never dropped without a word
                        raise WorkbookError(_too_many_rows())
                    break
                rows.append(tuple(row))
                if collapsed and row:
                    hidden.add(len(rows))
            el.clear()
        elif tag == f"{_T}table":
            while rows and not rows[-1]:
                rows.pop()
            frozen = list(rows)
            title = el.get(f"{_T}name", f"Sheet{len(sheets) + 1}")
            sheets.append(Sheet(title, lambda r=frozen: r, lambda h=frozenset(hidden): h,
                                lambda t=title: dict(tables.get(t, {})),
                                hidden=el.get(f"{_T}style-name") in undisplayed))
            el.clear()
    return sheets


# ─────────────────────────────────────────────── .csv ───────────────────────────────────────────────


def _csv(path: Path) -> Grid:
    from ka2forms.readers.xlsx_file import read_input

    where = Location(file=str(path))
    data = read_input(path, limit=MAX_CSV_BYTES + 1)      # a huge file is refused without reading it all
    if len(data) > MAX_CSV_BYTES:
        size = max(len(data), path.stat().st_size)
        raise WorkbookError(_("refused: {mb} MB is far larger than a partner table").format(mb=size // 1_000_000),
                            where=where)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise WorkbookError(_("not UTF-8 text (byte {byte}): save it as 'CSV UTF-8' (Excel) or choose the UTF-8 "
                              "character set (LibreOffice)").format(byte=e.start + 1), where=where) from None
    rows = [tuple(v if v.strip() else None for v in r) for r in csv.reader(io.StringIO(text), _dialect(text))]
    if any(any(v is not None for v in r) for r in rows[MAX_ROWS:]):
        raise WorkbookError(_too_many_rows(), where=where)
    return Grid("csv", [Sheet(path.stem, lambda: rows[:MAX_ROWS])])


def _too_many_rows() -> str:
    return _("rows beyond row {rows} are not read (a partner workbook is much shorter): remove them or split the "
             "file").format(rows=f"{MAX_ROWS:,}".replace(",", " "))


def _dialect(text: str) -> Any:
    """The delimiter of the first lines: ``;`` (Excel in most of Europe), ``,`` or a tab."""
    head = "\n".join(text.splitlines()[:5])
    counts = {d: head.count(d) for d in (";", ",", "\t")}
    delimiter = max(counts, key=lambda d: counts[d])

    class Dialect(csv.excel):
        pass

    Dialect.delimiter = delimiter
    return Dialect


def iter_spreadsheets(folder: Path) -> Iterator[Path]:
    """Spreadsheet files under a folder, in a stable order, without lock files and hidden files."""
    for f in sorted(folder.rglob("*"), key=lambda x: str(x).casefold()):
        rel = f.relative_to(folder).parts
        if f.is_file() and f.suffix.lower() in SPREADSHEET_SUFFIXES and not f.name.startswith("~$") \
                and not any(part.startswith(".") for part in rel):
            yield f
