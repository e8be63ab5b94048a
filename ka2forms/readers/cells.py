"""Reading one cell: its value as text, a whole number or an amount of money, and the collector that turns a
value that cannot be read into a problem at its cell. Shared by the workbook reader (``workbook.py``), the
Travel plan and Budget sheets (``plan.py``) and the worksheet functions (``excel/udfs.py``), which read the same
kinds of cells.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from ka2forms.errors import InputError, Location, Problem
from ka2forms.i18n import _
from ka2forms.text import quote

T = TypeVar("T")


def column_letter(n: int) -> str:
    """Column letters of a 1-based column number: 1 → A, 28 → AB (what openpyxl's get_column_letter does;
    kept here so that parsing a table passed by Excel does not import openpyxl)."""
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


@dataclass
class Collector:
    """Gathers problems; ``attempt`` turns a raised InputError into a problem at the given cell."""

    sheet: str | None
    problems: list[Problem]
    warnings: list[Problem] = field(default_factory=list)
    call_year: int | None = None   # known once the project fields are read: ambiguous countries depend on it
    doubts_are_errors: bool = False  # where no warning can be shown (a worksheet function's one cell)
    uncached: Callable[[], frozenset[str]] = frozenset  # formula cells without a saved result (grid.Sheet)

    def unsaved(self, cell: str) -> bool:
        """Whether an empty-looking cell is a formula whose result the file does not hold."""
        return cell in self.uncached()

    def warn(self, cell: str | None, message: str) -> None:
        self.warnings.append(Problem(Location(sheet=self.sheet, cell=cell), message))

    def at(self, cell: str) -> Location:
        return Location(sheet=self.sheet, cell=cell)

    def add(self, cell: str | None, message: str) -> None:
        self.problems.append(Problem(Location(sheet=self.sheet, cell=cell), message))

    def attempt(self, cell: str, fn: Callable[..., T], *args: Any) -> T | None:
        try:
            return fn(*args)
        except InputError as e:
            self.add(cell, e.message)
            return None


def cell_text(value: Any) -> str | None:
    """Cell value as trimmed text; None for empty cells. Whole floats lose their '.0' (Excel stores 2025.0)."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime) and value.time() == time(0):
        value = value.date()   # a typed date: openpyxl gives midnight, calamine the date; both read "2025-09-01"
    text = str(value).strip()
    return text or None


def whole_number(value: Any, what: str) -> int:
    """A cell value as a whole number: Excel's 2025.0 and the text "2025" both give 2025."""
    if isinstance(value, bool):
        raise InputError(_("{what} must be a whole number, not {value!r}").format(what=what, value=value))
    if isinstance(value, (int, float)) and float(value).is_integer():
        return int(value)
    text = cell_text(value) or ""
    if re.fullmatch(r"\d+", text):
        return int(text)
    raise InputError(_("{what} must be a whole number, not {value!r}").format(what=what, value=value))


def money(value: Any, what: str | None = None) -> Decimal:
    """Excel number or text such as ``250.000,00 €`` / ``250,000.00`` / ``250 000`` → Decimal."""
    what = _("requested grant") if what is None else what
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _plausible(Decimal(str(value)), value, what)
    text = re.sub(r"(?i)eur|€|\s|\u00a0|\u202f", "", str(value))
    if "," in text and "." in text:
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal_sep == "," else ",", "").replace(decimal_sep, ".")
    elif "," in text:
        head, _sep, tail = text.rpartition(",")
        text = head.replace(",", "") + ("." + tail if len(tail) != 3 else tail)
    elif text.count(".") > 1 or (text.count(".") == 1 and len(text.rpartition(".")[2]) == 3):
        text = text.replace(".", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise InputError(_("{what} must be an amount in EUR, not {value}").format(what=what, value=quote(value))) \
            from None
    return _plausible(amount, value, what)


#: No Erasmus+ grant comes near this; above it an amount is a typing error (and beyond exact arithmetic).
MAX_GRANT = Decimal(10) ** 12


def _plausible(amount: Decimal, value: Any, what: str) -> Decimal:
    """An amount the rules can compare: finite (``Decimal('NaN')`` and ``1e999`` parse, but are no amount, and
    the grant check overflowed on them), not negative, below MAX_GRANT."""
    if not amount.is_finite():
        raise InputError(_("{what} must be an amount in EUR, not {value}").format(what=what, value=quote(value)))
    if amount < 0:
        raise InputError(_("{what} cannot be negative ({value})").format(what=what, value=quote(value)))
    if amount >= MAX_GRANT:
        raise InputError(_("{what} of {value} EUR is not plausible").format(what=what, value=quote(value)))
    return amount
