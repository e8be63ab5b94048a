"""Shared fixtures for the reader tests. The workbook builder lives in ``tests/workbooks.py``."""

from __future__ import annotations

from pathlib import Path

import pytest
from workbooks import make_workbook  # tests/ is on sys.path (pyproject: pythonpath = ["tests"])


@pytest.fixture
def good_workbook(tmp_path: Path) -> Path:
    """A valid English partner workbook (KA220-VET, call 2025, three partners)."""
    return make_workbook(tmp_path, name="good.xlsx")
