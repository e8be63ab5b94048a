"""The batch summary for people: ``summary.xlsx``'s second sheet, in the run's language.

Why a second sheet and not translated columns: the first sheet and ``summary.csv`` are read by scripts (their
column names and the words ``converted``, ``eligible``, ``budget ok`` are a promise, docs/batch.md), while a
coordinator opening the file in Slovenian wants Slovenian headers and words. So the same rows appear twice in
the workbook: as the scripts know them, and — in a language other than English — under translated headers
with the status, verdict and budget words translated. Everything else (file names, acronyms, counts, the
errors, which are already in the run's language) is the same cell.
"""

from __future__ import annotations

from ka2forms.i18n import N_, check_lang, current, gettext, use
from ka2forms.services.sheets import Table

#: The summary's column names as people read them.
HEADERS = {
    "file": N_("Workbook"), "output": N_("Output folder"), "status": N_("Status"), "acronym": N_("Acronym"),
    "coordinator": N_("Coordinator"), "action": N_("Action"), "call_year": N_("Call year"),
    "verdict": N_("Verdict"), "failing": N_("Criteria not met"), "errors": N_("Errors"), "outputs": N_("Files"),
    "seconds": N_("Seconds"), "travel_eur": N_("Travel (EUR)"), "budget_eur": N_("Budget (EUR)"),
    "budget_verdict": N_("Budget"), "form_warnings": N_("Form warnings"),
}
#: The values of the status, verdict and budget-verdict columns.
WORDS = {"converted": N_("converted"), "up to date": N_("up to date"), "failed": N_("failed"),
         "eligible": N_("eligible"), "not eligible": N_("not eligible"), "budget ok": N_("budget ok"),
         "budget not ok": N_("budget not ok")}
WORD_COLUMNS = ("status", "verdict", "budget_verdict")
TITLE = N_("Summary")


def people_tables(table: Table, lang: str | None = None) -> tuple[Table, ...]:
    """The second sheet for ``lang`` (default: the current language); none in English."""
    lang = check_lang(lang or current())
    if lang == "en":
        return ()
    with use(lang):
        columns = [gettext(HEADERS.get(c, c)) for c in table.columns]
        words = {key: gettext(text) for key, text in WORDS.items()}
        title = gettext(TITLE)
    translate = [i for i, c in enumerate(table.columns) if c in WORD_COLUMNS]
    rows = []
    for row in table.rows:
        cells = list(row)
        for i in translate:
            cells[i] = words.get(cells[i], cells[i]) if isinstance(cells[i], str) else cells[i]
        rows.append(cells)
    return (Table(title, columns, rows, table.widths),)


__all__ = ["HEADERS", "WORDS", "people_tables"]
