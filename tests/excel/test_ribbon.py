"""The ribbon button: the calling workbook's annex next to it, never over it, and a message that says so."""

from __future__ import annotations

import shutil
import sys
import types
from pathlib import Path

import pytest

from ka2forms.excel import ribbon

SAMPLES = Path(__file__).parents[2] / "samples"


@pytest.fixture
def workbook(tmp_path):
    path = tmp_path / "ka220-vet-not-eligible.xlsx"
    shutil.copy(SAMPLES / path.name, path)
    return path


def test_the_annex_goes_next_to_the_workbook_which_is_left_untouched(workbook):
    before = workbook.read_bytes(), workbook.stat().st_mtime_ns
    report = ribbon.annex_for_workbook(workbook)
    assert (workbook.read_bytes(), workbook.stat().st_mtime_ns) == before
    docx = workbook.with_name("ka220-vet-not-eligible-annex.docx")
    assert docx in report.written and docx.stat().st_size > 5000
    assert all(p.parent == workbook.parent for p in report.written)
    assert "NOT ELIGIBLE" in report.message and str(docx) in report.message
    assert "From at least 3 different" in report.message  # the failing criterion, in words


def test_a_workbook_with_problems_lists_them_with_their_cells(tmp_path):
    import openpyxl

    wb = openpyxl.load_workbook(SAMPLES / "ka210-sch-eligible.xlsx")
    wb["Partners"]["C2"] = "Atlantis"
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    report = ribbon.annex_for_workbook(bad)
    assert report.written == () and report.title == "KA2: fix the workbook first"
    assert "Partners!C2: unknown country 'Atlantis'" in report.message


class _App:
    def __init__(self) -> None:
        self.alerts: list[tuple[str, str]] = []

    def alert(self, prompt: str, title: str = "") -> None:
        self.alerts.append((title, prompt))


class _Book:
    """What xlwings' Book.caller() gives the button: the workbook's full name and its application."""

    def __init__(self, fullname: str, saved: bool = True) -> None:
        self.fullname = fullname
        self.app = _App()
        self.api = types.SimpleNamespace(Saved=saved)


def _fake_xlwings(monkeypatch, book):
    module = types.ModuleType("xlwings")
    module.Book = types.SimpleNamespace(caller=lambda: book)
    monkeypatch.setitem(sys.modules, "xlwings", module)


def test_the_button_entry_point_writes_the_annex_and_shows_one_message(monkeypatch, workbook):
    import ka2forms

    book = _Book(str(workbook), saved=False)
    _fake_xlwings(monkeypatch, book)
    ka2forms.main()
    assert len(book.app.alerts) == 1
    title, message = book.app.alerts[0]
    assert title == "KA2: not eligible"
    assert "unsaved changes are not included" in message
    assert workbook.with_name("ka220-vet-not-eligible-annex.docx").is_file()


def test_an_unsaved_new_workbook_is_asked_to_be_saved_first(monkeypatch):
    book = _Book("Book1")
    _fake_xlwings(monkeypatch, book)
    report = ribbon.generate_annex()
    assert report.written == () and book.app.alerts[0][0] == "KA2: save the workbook first"


def test_check_consortium_shows_the_verdict_and_every_failing_criterion(monkeypatch, tmp_path):
    path = tmp_path / "afi-lot1-not-eligible.xlsx"
    shutil.copy(SAMPLES / path.name, path)
    book = _Book(str(path))
    _fake_xlwings(monkeypatch, book)
    report = ribbon.check_consortium()
    title, message = book.app.alerts[0]
    assert (title, report.written) == ("KA2: not eligible", ())
    assert "AFI-LOT1 · call 2025: NOT ELIGIBLE" in message and "8 of 11 criteria met" in message
    for criterion in ("At least 8 full partners: required ≥ 8, found 7", "At least 3 labour-market actors",
                      "At least 1 VET provider"):
        assert criterion in message
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # a check writes nothing


def test_check_consortium_on_an_eligible_workbook_says_so():
    report = ribbon.check_for_workbook(SAMPLES / "ka220-vet-eligible.xlsx")
    assert report.title == "KA2: eligible" and "•" not in report.message


# ───────────────────────────── the message box in the user's language ─────────────────────────────


@pytest.fixture
def no_locale(monkeypatch):
    for var in ("KA2FORMS_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)


def test_check_message_in_czech_with_czech_counts(no_locale):
    from english import assert_no_english

    report = ribbon.check_for_workbook(SAMPLES / "afi-lot1-not-eligible.xlsx", lang="cs")
    assert report.title == "KA2: nezpůsobilé"
    assert "AFI-LOT1 · výzva 2025: NEZPŮSOBILÉ" in report.message and "Splněno 8 z 11 kritérií." in report.message
    assert "Alespoň 8 řádných partnerů: požadováno ≥ 8, zjištěno 7" in report.message
    assert_no_english(report.message, "cs")


def test_annex_message_in_slovenian_from_ka2forms_lang(no_locale, monkeypatch, workbook):
    from english import assert_no_english

    monkeypatch.setenv("KA2FORMS_LANG", "sl")
    monkeypatch.setenv("LANG", "cs_CZ.UTF-8")      # the variable wins over the locale
    report = ribbon.annex_for_workbook(workbook)
    assert report.title == "KA2: ni upravičen" and "Priloga je zapisana poleg delovnega zvezka:" in report.message
    assert_no_english(report.message, "sl")


def test_a_workbook_written_in_czech_gets_czech_messages(no_locale, tmp_path):
    from ka2forms.excel.workbooks import new_workbook

    path = tmp_path / "novy.xlsx"
    path.write_bytes(new_workbook("KA220-VET", 2025, "cs"))   # sheets Projekt, Partneři, Kontrola, …
    assert ribbon.button_language(path, environ={}) == "cs"
    report = ribbon.check_for_workbook(path)     # no partners yet: the problem, with its cell, in a Czech box
    assert report.title == "KA2: nejprve opravte sešit"
    assert report.message.startswith("novy.xlsx obsahuje problémy:\n• Partneři!A2: ")


def test_english_sheet_names_leave_the_choice_to_the_locale_then_to_excel(tmp_path):
    sample = SAMPLES / "ka220-vet-eligible.xlsx"        # sheets Project, Partners, … (the default layout)
    assert ribbon.button_language(sample, environ={"LANG": "sl_SI.UTF-8"}) == "sl"
    app = types.SimpleNamespace(api=types.SimpleNamespace(
        LanguageSettings=types.SimpleNamespace(LanguageID=lambda which: 1029 if which == 2 else 1033)))
    assert ribbon.button_language(sample, app, environ={}) == "cs"      # Excel's user interface in Czech
    assert ribbon.button_language(sample, None, environ={}) == "en"
    assert ribbon.button_language(sample, app, environ={"KA2FORMS_LANG": "de"}) == "de"


def test_the_button_asks_to_save_first_in_the_users_language(no_locale, monkeypatch):
    monkeypatch.setenv("LANG", "sl_SI.UTF-8")
    book = _Book("Zvezek1")
    _fake_xlwings(monkeypatch, book)
    ribbon.check_consortium()
    title, message = book.app.alerts[0]
    assert title == "KA2: najprej shranite delovni zvezek" and "Shranite delovni zvezek" in message


def test_an_unsaved_workbook_note_in_czech(no_locale, monkeypatch, workbook):
    monkeypatch.setenv("KA2FORMS_LANG", "cs")
    book = _Book(str(workbook), saved=False)
    _fake_xlwings(monkeypatch, book)
    ribbon.check_consortium()
    assert "neuložené změny nejsou zahrnuty" in book.app.alerts[0][1]


def test_a_language_we_lack_in_ka2forms_lang_is_said_not_guessed(no_locale, monkeypatch, workbook):
    monkeypatch.setenv("KA2FORMS_LANG", "fr")
    report = ribbon.check_for_workbook(workbook)
    assert report.title == "KA2: cannot check the workbook" and "unknown language 'fr'" in report.message
