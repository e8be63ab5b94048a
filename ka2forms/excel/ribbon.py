"""The KA2 ribbon tab's buttons (Excel for Windows, through xlwings): "Generate annex" and "Check consortium".

The add-in's macros run ``import ka2forms; ka2forms.main()`` (Generate annex) and
``import ka2forms.excel.ribbon as r; r.check_consortium()`` (Check consortium) with the user's workbook as
caller. This module is the thin skin: find the caller's saved file, check it (and produce the annex next to
it with the same rendering function as ``ka2forms annex``), and tell the user what was found and where the
files went. It reads the *saved* file, never the open window, and never writes to the workbook.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ka2forms.errors import Ka2Error, RendererUnavailableError, WorkbookInvalid
from ka2forms.files import write_atomic
from ka2forms.i18n import resolve_lang
from ka2forms.readers.workbook import read_workbook
from ka2forms.services.annex import default_output, render_annex
from ka2forms.services.check import check_project

# Word first: coordinators edit the annex before sending it. PDF when WeasyPrint's Pango is installed (on
# Windows it often is not; the message then says so instead of failing).
FORMATS = ("docx", "pdf")


@dataclass(frozen=True)
class ButtonReport:
    """What the button did, as the message box shows it."""

    title: str
    message: str
    written: tuple[Path, ...]


def annex_for_workbook(path: Path | str, *, lang: str | None = None) -> ButtonReport:
    """Check the workbook at ``path`` and write its annex (DOCX, and PDF where possible) next to it."""
    wb = Path(path)
    try:
        lang = lang or resolve_lang(None)   # KA2FORMS_LANG, else the locale, else English
        project = read_workbook(wb)
        result = check_project(project, lang=lang)
        written, skipped = [], []
        for fmt in FORMATS:
            try:
                data = render_annex(project, result, fmt=fmt, lang=lang)
            except RendererUnavailableError as e:
                skipped.append(f"{fmt.upper()} not written: {e.message}")
                continue
            written.append(write_atomic(default_output(wb, fmt), data, protect=[wb]))
    except WorkbookInvalid as e:
        return _problems(wb, e)
    except Ka2Error as e:
        return ButtonReport("KA2: cannot make the annex", e.short, ())
    verdict = "ELIGIBLE" if result.eligible else "NOT ELIGIBLE"
    failing = "".join(f"\n• {c.description}: {c.hint or 'not met'}" for c in result.failing)
    where = "\n".join(str(p) for p in written)
    notes = "".join(f"\n{s}" for s in skipped)
    message = (f"{result.action} · call {result.call_year}: {verdict}{failing}\n\n"
               f"Annex written next to the workbook:\n{where}{notes}")
    return ButtonReport(f"KA2: {verdict.lower()}", message, tuple(written))


def check_for_workbook(path: Path | str, *, lang: str | None = None) -> ButtonReport:
    """The consortium check of the workbook at ``path``: the verdict and every failing criterion, in words."""
    wb = Path(path)
    try:
        result = check_project(read_workbook(wb), lang=lang or resolve_lang(None))
    except WorkbookInvalid as e:
        return _problems(wb, e)
    except Ka2Error as e:
        return ButtonReport("KA2: cannot check the workbook", e.short, ())
    verdict = "ELIGIBLE" if result.eligible else "NOT ELIGIBLE"
    failing = "".join(f"\n• {c.description}: required {c.required}, found {c.actual}"
                      + (f" — {c.hint}" if c.hint else "") for c in result.failing)
    warnings = "".join(f"\n⚠ {w}" for w in result.warnings[:5])
    more = f"\n… and {len(result.warnings) - 5} more warnings" if len(result.warnings) > 5 else ""
    passed = len(result.criteria) - len(result.failing)
    message = (f"{result.action} · call {result.call_year}: {verdict}\n"
               f"{passed} of {len(result.criteria)} criteria met.{failing}{warnings}{more}")
    return ButtonReport(f"KA2: {verdict.lower()}", message, ())


def _problems(wb: Path, e: WorkbookInvalid) -> ButtonReport:
    lines = "\n".join(f"• {p.where.sheet}!{p.where.cell}: {p.message}" if p.where.cell else f"• {p.message}"
                      for p in e.problems[:12])
    more = f"\n… and {len(e.problems) - 12} more" if len(e.problems) > 12 else ""
    return ButtonReport("KA2: fix the workbook first", f"{wb.name} has problems:\n{lines}{more}", ())


def _button(action: Callable[[Path], ButtonReport], what: str) -> ButtonReport:
    """Run a button's work on the calling workbook's saved file and show the result in one message box."""
    import xlwings as xw

    book = xw.Book.caller()
    path = Path(book.fullname)
    if not path.is_file():
        report = ButtonReport("KA2: save the workbook first",
                              f"The {what} is made from the saved .xlsx file. Save the workbook, then press the "
                              "button again.", ())
    else:
        report = action(path)
        if not _saved(book):
            report = ButtonReport(report.title, report.message + "\n\nNote: made from the last saved version; "
                                  "unsaved changes are not included.", report.written)
    book.app.alert(report.message, title=report.title)
    return report


def generate_annex() -> ButtonReport:
    """Entry point of "Generate annex": the calling workbook → annex, then a message box."""
    return _button(annex_for_workbook, "annex")


def check_consortium() -> ButtonReport:
    """Entry point of "Check consortium": the verdict and the failing criteria in a message box."""
    return _button(check_for_workbook, "check")


def _saved(book: object) -> bool:
    """Excel's own 'no unsaved changes' flag (Windows COM); True where it cannot be read."""
    try:
        return bool(book.api.Saved)  # type: ignore[attr-defined]
    except Exception:
        return True
