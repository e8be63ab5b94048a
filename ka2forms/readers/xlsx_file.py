"""Opening an .xlsx safely: the right kind of file, not a zip bomb, never modified.

Partner workbooks arrive by e-mail from many organisations. Before openpyxl sees a file we make sure it is
an Office Open XML workbook of sane size, and we say plainly what it is when it is not (an old .xls, a
password-protected file, Excel's lock file, a PDF renamed to .xlsx).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from ka2forms.errors import Location, WorkbookError

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 2000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


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
    except zipfile.BadZipFile:
        raise WorkbookError("damaged file (the zip container is broken)", where=where) from None
    if required not in names:
        raise WorkbookError(f"a zip file but not {kind} (no {required})", where=where)
    unpacked = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if len(infos) > MAX_MEMBERS or unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_RATIO:
        raise WorkbookError(f"refused: unpacks to {unpacked // 1_000_000} MB in {len(infos)} parts "
                            "(too large or a zip bomb)", where=where)


def open_workbook(path: str | Path) -> Workbook:
    """A read-only openpyxl workbook with cached values. Formulas are never evaluated, macros never run."""
    p = Path(path)
    where = Location(file=str(p))
    preflight(p)
    try:
        return load_workbook(p, read_only=True, data_only=True, keep_links=False)
    except Exception as e:  # openpyxl raises many kinds for damaged parts
        raise WorkbookError(f"damaged workbook: {e.__class__.__name__}: {e}", where=where) from None


def preflight(p: Path) -> None:
    """Everything checked before any parser sees the file: what it is, and that its zip is sane."""
    where = Location(file=str(p))
    if p.name.startswith("~$"):
        raise WorkbookError("this is Excel's lock file for an open workbook, not a workbook", where=where)
    try:
        with p.open("rb") as f:
            head = f.read(8)
    except FileNotFoundError:
        raise WorkbookError("file not found", where=where) from None
    except IsADirectoryError:
        raise WorkbookError("a folder, not a workbook", where=where) from None
    except PermissionError:
        raise WorkbookError("cannot be read (permission denied or locked by another program)", where=where) from None
    if head.startswith(_OLE_MAGIC):
        if describe_ole(p) == "encrypted":
            raise WorkbookError("a password-protected workbook: ka2forms cannot open it; save a copy without "
                                "a password (File → Info → Protect Workbook → Encrypt with Password → empty)",
                                where=where)
        raise WorkbookError("an old Excel 97–2003 workbook (.xls): open it in Excel or LibreOffice and save it "
                            "as .xlsx (File → Save As → Excel Workbook)", where=where)
    if not head.startswith(b"PK"):
        kind = "a PDF" if head.startswith(b"%PDF") else "not an .xlsx workbook"
        raise WorkbookError(f"{kind}; expected an Excel .xlsx file", where=where)
    check_zip(p, where, required="xl/workbook.xml", kind="an Excel workbook")
