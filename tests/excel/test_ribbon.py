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
