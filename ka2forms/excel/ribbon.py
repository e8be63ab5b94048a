"""The KA2 ribbon tab's buttons (Excel for Windows, through xlwings): "Generate annex" and "Check consortium".

The add-in's macros run ``import ka2forms; ka2forms.main()`` (Generate annex) and
``import ka2forms.excel.ribbon as r; r.check_consortium()`` (Check consortium) with the user's workbook as
caller. This module is the thin skin: find the caller's saved file, check it (and produce the annex next to
it with the same rendering function as ``ka2forms annex``), and tell the user what was found and where the
files went. It reads the *saved* file, never the open window, and never writes to the workbook.

The message box speaks the user's language (:func:`button_language`): ``KA2FORMS_LANG`` when set, else the
workbook's own language (its sheet names in Slovenian or Czech, as ``ka2forms new --lang`` writes them), else the locale
(``LC_ALL``/``LC_MESSAGES``/``LANG``), else Excel's user-interface language, else English. The annex is
written in the same language.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ka2forms import i18n
from ka2forms.errors import Ka2Error, RendererUnavailableError, WorkbookInvalid
from ka2forms.files import write_atomic
from ka2forms.i18n import _, ngettext, resolve_lang
from ka2forms.readers.workbook import read_workbook
from ka2forms.services.annex import default_output, render_annex
from ka2forms.services.check import check_project

# Word first: coordinators edit the annex before sending it. PDF when WeasyPrint's Pango is installed (on
# Windows it often is not; the message then says so instead of failing).
FORMATS = ("docx", "pdf")
#: Excel's user-interface language (``Application.LanguageSettings.LanguageID(msoLanguageIDUI)``, a Windows
#: LCID) → our catalog: Slovenian, Czech, and German as Germany, Austria, Switzerland, Luxembourg and
#: Liechtenstein write it.
LCIDS = {1060: "sl", 1029: "cs", 1031: "de", 3079: "de", 2055: "de", 4103: "de", 5127: "de"}
MSO_LANGUAGE_ID_UI = 2
_LOCALE_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@dataclass(frozen=True)
class ButtonReport:
    """What the button did, as the message box shows it."""

    title: str
    message: str
    written: tuple[Path, ...]


def _sheet_names(path: Path) -> list[str]:
    try:
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, keep_links=False)
        try:
            return list(wb.sheetnames)
        finally:
            wb.close()
    except Exception:     # an unreadable workbook: the reader reports it, in the language chosen without it
        return []


def _excel_language(app: Any) -> str | None:
    try:
        return LCIDS.get(int(app.api.LanguageSettings.LanguageID(MSO_LANGUAGE_ID_UI)))
    except Exception:     # not Windows COM, or an Excel that cannot say
        return None


def button_language(path: Path | str | None = None, app: Any = None,
                    environ: Mapping[str, str] | None = None) -> str:
    """The language of a button's message (and annex): ``KA2FORMS_LANG``, the workbook's, the locale's,
    Excel's, else English. A ``KA2FORMS_LANG`` we have no catalog for is refused (``UnknownLanguageError``)."""
    env = os.environ if environ is None else environ
    if env.get("KA2FORMS_LANG"):
        return resolve_lang(None, env)
    if path is not None:
        from ka2forms.excel.workbooks import workbook_language

        lang = workbook_language(_sheet_names(Path(path)))
        if lang and lang != "en":       # English names are the default layout, not a choice: the locale decides
            return lang
    if any(env.get(v) for v in _LOCALE_VARS):
        return resolve_lang(None, env)
    return (_excel_language(app) if app is not None else None) or "en"


def _verdict(eligible: bool) -> str:
    return _("ELIGIBLE") if eligible else _("NOT ELIGIBLE")


def _title(eligible: bool) -> str:
    return _("KA2: eligible") if eligible else _("KA2: not eligible")


def annex_for_workbook(path: Path | str, *, lang: str | None = None) -> ButtonReport:
    """Check the workbook at ``path`` and write its annex (DOCX, and PDF where possible) next to it."""
    wb = Path(path)
    try:
        lang = lang or button_language(wb)
    except Ka2Error as e:
        return ButtonReport(_("KA2: cannot make the annex"), e.short, ())
    with i18n.use(lang):
        try:
            project = read_workbook(wb)
            result = check_project(project, lang=lang)
            written, skipped = [], []
            for fmt in FORMATS:
                try:
                    data = render_annex(project, result, fmt=fmt, lang=lang)
                except RendererUnavailableError as e:
                    skipped.append(_("{format} not written: {why}").format(format=fmt.upper(), why=e.message))
                    continue
                written.append(write_atomic(default_output(wb, fmt), data, protect=[wb]))
        except WorkbookInvalid as e:
            return _problems(wb, e)
        except Ka2Error as e:
            return ButtonReport(_("KA2: cannot make the annex"), e.short, ())
        not_met = _("not met")
        failing = "".join(f"\n• {c.description}: {c.hint or not_met}" for c in result.failing)
        where = "\n".join(str(p) for p in written)
        notes = "".join(f"\n{s}" for s in skipped)
        message = (_("{action} · call {year}: {verdict}").format(action=result.action, year=result.call_year,
                                                                 verdict=_verdict(result.eligible))
                   + failing + "\n\n" + _("Annex written next to the workbook:") + f"\n{where}{notes}")
        return ButtonReport(_title(result.eligible), message, tuple(written))


def check_for_workbook(path: Path | str, *, lang: str | None = None) -> ButtonReport:
    """The consortium check of the workbook at ``path``: the verdict and every failing criterion, in words."""
    wb = Path(path)
    try:
        lang = lang or button_language(wb)
    except Ka2Error as e:
        return ButtonReport(_("KA2: cannot check the workbook"), e.short, ())
    with i18n.use(lang):
        try:
            result = check_project(read_workbook(wb), lang=lang)
        except WorkbookInvalid as e:
            return _problems(wb, e)
        except Ka2Error as e:
            return ButtonReport(_("KA2: cannot check the workbook"), e.short, ())
        failing = "".join("\n• " + _("{criterion}: required {required}, found {actual}").format(
            criterion=c.description, required=c.required, actual=c.actual)
            + (f" — {c.hint}" if c.hint else "") for c in result.failing)
        warnings = "".join(f"\n⚠ {w}" for w in result.warnings[:5])
        extra = len(result.warnings) - 5
        more = "\n" + ngettext("… and {n} more warning", "… and {n} more warnings", extra).format(n=extra) \
            if extra > 0 else ""
        passed = len(result.criteria) - len(result.failing)
        message = (_("{action} · call {year}: {verdict}").format(action=result.action, year=result.call_year,
                                                                 verdict=_verdict(result.eligible)) + "\n"
                   + ngettext("{passed} of {n} criterion met.", "{passed} of {n} criteria met.",
                              len(result.criteria)).format(passed=passed, n=len(result.criteria))
                   + f"{failing}{warnings}{more}")
        return ButtonReport(_title(result.eligible), message, ())


def _problems(wb: Path, e: WorkbookInvalid) -> ButtonReport:
    lines = "\n".join(f"• {p.where.sheet}!{p.where.cell}: {p.message}" if p.where.cell else f"• {p.message}"
                      for p in e.problems[:12])
    extra = len(e.problems) - 12
    more = "\n" + ngettext("… and {n} more", "… and {n} more", extra).format(n=extra) if extra > 0 else ""
    return ButtonReport(_("KA2: fix the workbook first"),
                        _("{name} has problems:").format(name=wb.name) + f"\n{lines}{more}", ())


def _button(action: Callable[..., ButtonReport], what: str) -> ButtonReport:
    """Run a button's work on the calling workbook's saved file and show the result in one message box."""
    import xlwings as xw

    book = xw.Book.caller()
    path = Path(book.fullname)
    refused = False
    try:
        lang = button_language(path if path.is_file() else None, getattr(book, "app", None))
    except Ka2Error:
        lang, refused = "en", True     # KA2FORMS_LANG names no catalog: the action itself says so
    with i18n.use(lang):
        if not path.is_file():
            report = ButtonReport(_("KA2: save the workbook first"), (
                _("The annex is made from the saved .xlsx file. Save the workbook, then press the button again.")
                if what == "annex" else
                _("The check is made from the saved .xlsx file. Save the workbook, then press the button again.")),
                ())
        else:
            report = action(path, lang=None if refused else lang)
            if not _saved(book):
                report = ButtonReport(report.title, report.message + "\n\n" + _(
                    "Note: made from the last saved version; unsaved changes are not included."), report.written)
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
