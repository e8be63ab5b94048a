"""Opening an .xlsx safely and reading its sheets: the right kind of file, not a zip bomb, never modified,
and no value the rules cannot represent.

Partner workbooks arrive by e-mail from many organisations. Before openpyxl sees a file we make sure it is
a regular file (a FIFO would block forever) and an Office Open XML workbook of sane size, and we say plainly
what it is when it is not (an old .xls, a password-protected file, Excel's lock file, a PDF renamed to .xlsx).

openpyxl's read-only mode parses a sheet only while it is iterated, so a damaged sheet part (XML cut in half,
an undefined entity, a cell reference such as ``1A``, a shared-string index past the end, ``t="b">yes``)
raises in the middle of the read, as any exception type. :func:`sheet_rows` is therefore the one place where
sheets are iterated: it reads a whole sheet under a guard that turns every such failure into a
:class:`WorkbookError` naming the file and sheet (and the row it reached), and checks every value with
:func:`check_value` (finite, exactly representable numbers; text that Excel itself could hold), so the code
after it only ever sees plain, valid values.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ka2forms.errors import Ka2Error, Location, Problem, WorkbookError, WorkbookInvalid
from ka2forms.files import regular_file
from ka2forms.i18n import _
from ka2forms.text import excerpt, quote

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 2000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

#: Excel's own limits: a cell beyond them, or a longer text, was not written by a spreadsheet program.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
MAX_CELL_CHARS = 32_767
#: Excel keeps 15 significant digits: a number this large is not exact, so no rule may compare it.
MAX_EXACT = 1e15
#: Cell positions one sheet may fill (rows × their width): far above any partner workbook, and it bounds time.
MAX_SHEET_CELLS = 5_000_000
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: Problems reported per sheet before the rest are summed up in one line.
MAX_PROBLEMS = 50


def describe_ole(path: Path) -> str:
    """What an OLE2 compound file is: "encrypted" (an .xlsx saved with a password: Office wraps it in OLE2
    with an EncryptedPackage stream) or "xls" (an old Excel 97–2003 workbook, or anything else in OLE2)."""
    try:
        with path.open("rb") as f:
            data = f.read(4 * 1024 * 1024)
    except OSError:
        return "xls"
    return "encrypted" if "EncryptedPackage".encode("utf-16-le") in data else "xls"


def check_zip(p: Path, where: Location, *, required: str, kind: str) -> None:
    """A sane zip container holding ``required`` (the workbook part), or WorkbookError saying what it is."""
    try:
        with zipfile.ZipFile(p) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, EOFError, ValueError, OSError):
        raise WorkbookError(_("damaged file (the zip container is broken)"), where=where) from None
    except NotImplementedError as e:          # "zip file version 9.9", an unsupported compression method
        raise WorkbookError(_("damaged or unsupported file (zip: {error})").format(error=excerpt(str(e))),
                            where=where) from None
    if required not in names:
        raise WorkbookError(_("a zip file but not {kind} (no {part})").format(kind=kind, part=required), where=where)
    unpacked = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if len(infos) > MAX_MEMBERS or unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_RATIO:
        raise WorkbookError(_("refused: unpacks to {mb} MB in {parts} parts (too large or a zip bomb)").format(
            mb=unpacked // 1_000_000, parts=len(infos)), where=where)


def open_workbook(path: str | Path) -> Workbook:
    """A read-only openpyxl workbook with cached values. Formulas are never evaluated, macros never run."""
    p = Path(path)
    preflight(p)
    with guard(p):
        from openpyxl import load_workbook  # here: the fast reader (calamine) and preflight need no openpyxl

        wb = load_workbook(p, read_only=True, data_only=True, keep_links=False)
        for ws in wb.worksheets:       # a negative shared-string index would silently pick one from the end
            if isinstance(getattr(ws, "_shared_strings", None), list):
                ws._shared_strings = _SharedStrings(ws._shared_strings)
        return wb


def read_input(p: Path, *, limit: int = -1) -> bytes:
    """The first ``limit`` bytes of an input file (all: -1), or WorkbookError saying why it cannot be read."""
    where = Location(file=str(p))
    try:
        with p.open("rb") as f:
            return f.read(limit)
    except FileNotFoundError:
        raise WorkbookError(_("file not found"), where=where) from None
    except IsADirectoryError:
        raise WorkbookError(_("a folder, not a workbook"), where=where) from None
    except PermissionError:
        raise WorkbookError(_("cannot be read (permission denied or locked by another program)"), where=where) from None


def preflight(p: Path) -> None:
    """Everything checked before any parser sees the file: what it is, and that its zip is sane."""
    where = Location(file=str(p))
    if p.name.startswith("~$"):
        raise WorkbookError(_("this is Excel's lock file for an open workbook, not a workbook"), where=where)
    regular_file(p, "workbook", error=WorkbookError)      # a FIFO would block; a device or socket is no workbook
    head = read_input(p, limit=8)
    if head.startswith(_OLE_MAGIC):
        if describe_ole(p) == "encrypted":
            raise WorkbookError(_("a password-protected workbook: ka2forms cannot open it; save a copy without a "
                                  "password (File → Info → Protect Workbook → Encrypt with Password → empty)"),
                                where=where)
        raise WorkbookError(_("an old Excel 97–2003 workbook (.xls): open it in Excel or LibreOffice and save it as "
                              ".xlsx (File → Save As → Excel Workbook)"), where=where)
    if not head.startswith(b"PK"):
        raise WorkbookError(_("a PDF; expected an Excel .xlsx file") if head.startswith(b"%PDF") else
                            _("not an .xlsx workbook; expected an Excel .xlsx file"), where=where)
    check_zip(p, where, required="xl/workbook.xml", kind=_("an Excel workbook"))


class _SharedStrings(list):  # type: ignore[type-arg]
    """The shared-string table, refusing the negative indices that a plain list would count from the end."""

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, int) and index < 0:
            raise IndexError(f"shared-string index {index} is negative")
        return super().__getitem__(index)


@contextlib.contextmanager
def guard(path: str | Path, sheet: str | None = None, progress: list[int] | None = None) -> Iterator[None]:
    """Turn any failure while openpyxl reads ``path`` into a WorkbookError naming the file (and sheet, and the
    row reached). Our own errors pass through unchanged."""
    try:
        yield
    except Ka2Error:
        raise
    except BaseException as e:   # openpyxl, zipfile, zlib and expat raise many kinds for damaged parts
        # A Rust library's panic (python-calamine's PanicException) is a BaseException; Ctrl+C and exits are not
        # the file's fault and pass through.
        if not isinstance(e, Exception) and type(e).__name__ != "PanicException":
            raise
        detail = excerpt(str(e), 120)
        error = e.__class__.__name__ + (f": {detail}" if detail else "")
        row = progress[0] + 1 if progress and progress[0] else None
        if isinstance(e, MemoryError):
            text = _("too large to read near row {row}: {error}") if row else _("too large to read: {error}")
        else:
            text = _("damaged workbook near row {row}: {error}") if row else _("damaged workbook: {error}")
        raise WorkbookError(text.format(row=row, error=error), where=Location(file=str(path), sheet=sheet)) from None


def _column(n: int) -> str:
    letters = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters or "?"


def check_value(value: Any) -> str | None:
    """Why a cell value cannot be used, or None when it can.

    Numbers must be finite and within Excel's 15 exact digits (``nan``, ``inf`` and ``1e999`` are not data);
    text at most Excel's 32 767 characters, without NUL or other control characters and without lone
    surrogates (no spreadsheet writes those, and Word, PDF and JSON outputs cannot carry them).
    """
    if value is None or isinstance(value, (bool, dt.datetime, dt.date, dt.time, dt.timedelta)):
        return None
    if isinstance(value, int):
        return None if abs(value) < MAX_EXACT else _("a number too large to be exact (Excel keeps 15 digits)")
    if isinstance(value, float):
        if not math.isfinite(value):
            return _("not a number ({value!r})").format(value=value)
        return None if abs(value) < MAX_EXACT else _("a number too large to be exact (Excel keeps 15 digits)")
    if isinstance(value, str):
        if len(value) > MAX_CELL_CHARS:
            return _("a text of {count} characters (Excel's limit is 32 767)").format(
                count=f"{len(value):,}".replace(",", " "))
        bad = _NOT_TEXT.search(value)
        if bad is None:
            return None
        return _("a character that is not text (U+{code})").format(code=f"{ord(bad.group()):04X}")
    return _("a value of an unexpected kind ({kind})").format(kind=type(value).__name__)


def sheet_rows(ws: Any, path: str | Path, *, max_col: int | None = None,
               max_rows: int | None = None) -> list[tuple[Any, ...]]:
    """Every row of ``ws`` (from row 1) as a tuple of values, read whole under :func:`guard` and checked.

    Rows are as long as their last cell (not padded to the sheet's stated dimension, which a damaged file may
    set to XFD1048576). Cells beyond Excel's grid, cells stored in the wrong row, and values that
    :func:`check_value` refuses are reported together as a WorkbookInvalid naming sheet and cell.
    """
    title = str(getattr(ws, "title", "") or "") or None
    problems: list[Problem] = []
    rows: list[tuple[Any, ...]] = []
    progress = [0]
    budget = MAX_SHEET_CELLS

    def problem(cell: str | None, message: str) -> None:
        if len(problems) < MAX_PROBLEMS:
            problems.append(Problem(Location(file=str(path), sheet=title, cell=cell), message))
        elif len(problems) == MAX_PROBLEMS:
            problems.append(Problem(Location(file=str(path), sheet=title), "more problems not shown"))

    with guard(path, title, progress):
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()
        for n, cells in enumerate(ws.iter_rows(min_row=1, max_col=max_col), start=1):
            progress[0] = n
            if max_rows is not None and n > max_rows:     # the caller reads no further (grid.MAX_ROWS) …
                if any(cell.value is not None for cell in cells):  # … but a row it would drop is never silent
                    problem(f"A{n}", _("rows beyond row {rows} are not read (a partner workbook is much shorter): "
                                       "remove them or split the file").format(rows=f"{max_rows:,}".replace(",", " ")))
                    break
                budget -= len(cells)
                if budget < 0:
                    break
                continue
            if n > MAX_ROWS:
                problem(None, _("rows beyond Excel's last row ({rows})").format(rows=f"{MAX_ROWS:,}".replace(",", " ")))
                break
            budget -= len(cells)
            if budget < 0:
                raise WorkbookError(_("refused: the sheet has more than {cells} cells (not a partner workbook)").format(
                    cells=f"{MAX_SHEET_CELLS:,}".replace(",", " ")), where=Location(file=str(path), sheet=title))
            values: list[Any] = []
            for cell in cells:
                row, col = getattr(cell, "row", None), getattr(cell, "column", None)
                value = cell.value
                if row is not None and col is not None:
                    ref = f"{_column(col)}{row}"
                    if not (1 <= col <= MAX_COLUMNS and 1 <= row <= MAX_ROWS) or row != n:
                        problem(f"{_column(len(values) + 1)}{n}",
                                _("a cell with the impossible reference {ref} (damaged sheet)").format(ref=quote(ref)))
                        value = None
                    elif (why := check_value(value)) is not None:
                        problem(ref, _("cannot be read: {why}").format(why=why))
                        value = None
                values.append(value)
            while values and values[-1] is None:
                values.pop()
            rows.append(tuple(values))
    if problems:
        raise WorkbookInvalid(problems)
    return rows
