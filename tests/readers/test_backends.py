"""openpyxl and python-calamine give the same reading of every workbook (samples and the corpus).

calamine is optional (``pip install ka2forms[fast]``; the dev extras install it): ka2forms uses it for .xlsx
and .xlsm when it is there, and openpyxl otherwise, so the two must never disagree on a value, a cell or a
warning.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from corpus import SL_PARTNERS, as_xlsm, one_sheet_workbook, table_workbook

from ka2forms.errors import Ka2Error
from ka2forms.readers.grid import xlsx_backend
from ka2forms.readers.workbook import read_workbook

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "samples").glob("*.xlsx"))


def read_with(backend: str, path: Path, monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.setenv("KA2FORMS_XLSX_READER", backend)
    assert xlsx_backend() == backend
    try:
        return read_workbook(path)
    except Ka2Error as e:
        return ("error", str(e))


def corpus(folder: Path) -> list[Path]:
    rows = [list(r) for r in SL_PARTNERS]
    rows[3][2] = "SR"  # an error case too
    return [one_sheet_workbook(folder), one_sheet_workbook(folder, name="hidden.xlsx", hide_row=12),
            one_sheet_workbook(folder, name="bad.xlsx", rows=rows), table_workbook(folder),
            as_xlsm(one_sheet_workbook(folder, name="macro.xlsx"))]


def test_calamine_and_openpyxl_read_every_workbook_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("python_calamine", reason="allowed: python-calamine is an optional extra")
    for path in [*SAMPLES, *corpus(tmp_path)]:
        assert read_with("calamine", path, monkeypatch) == read_with("openpyxl", path, monkeypatch), path.name


def test_openpyxl_is_used_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KA2FORMS_XLSX_READER", "openpyxl")
    assert xlsx_backend() == "openpyxl"


def test_the_fast_reader_does_not_import_openpyxl() -> None:
    # openpyxl imports numpy when it is installed: ≈ 0.3 s of a cold `ka2forms check one.xlsx`
    pytest.importorskip("python_calamine", reason="allowed: python-calamine is an optional extra")
    code = ("import sys; from ka2forms.readers.workbook import read_workbook; "
            f"read_workbook({str(SAMPLES[0])!r}); print('openpyxl' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "KA2FORMS_XLSX_READER": "calamine"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"
