"""Shared fixtures for the reader tests. The workbook builder lives in ``tests/conftest_workbooks.py``."""

from __future__ import annotations

import sys
from pathlib import Path

# tests/ has no __init__.py, so pytest puts only tests/readers/ on sys.path for these modules; the builder
# module sits one level up.
_TESTS = str(Path(__file__).resolve().parents[1])
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

import pytest  # noqa: E402
from conftest_workbooks import make_workbook  # noqa: E402


@pytest.fixture
def good_workbook(tmp_path: Path) -> Path:
    """A valid English partner workbook (KA220-VET, call 2025, three partners)."""
    return make_workbook(tmp_path, name="good.xlsx")
