"""Where things are on a sheet people made by hand: the header row, project fields, totals and notes rows.

Kept apart from the value parsing in ``workbook.py``: this module only *finds*; it never turns text into
model values. Words come from ``rules/data/spellings.yaml`` (all languages), never from code.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from ka2forms.rules import spellings
from ka2forms.text import fold_compact

HEADER_SCAN_ROWS = 30   # title, logo and instruction rows above the header: the header is found by content


@cache
def project_labels() -> dict[str, tuple[str, ...]]:
    return spellings.keyed("project_labels")


@cache
def partner_headers() -> dict[str, tuple[str, ...]]:
    return spellings.keyed("partner_headers")


@cache
def _index(section: str) -> dict[str, str]:
    return {fold_compact(w): key for key, words in spellings.keyed(section).items() for w in words}


def project_key(label: str) -> str | None:
    return _index("project_labels").get(fold_compact(label))


def header_key(label: str) -> str | None:
    return _index("partner_headers").get(fold_compact(label))


def sheet_kind(title: str) -> str | None:
    """"project" or "partners" for a sheet named so in any language, else None."""
    return _index("sheets").get(fold_compact(title))


def did_you_mean(label: str) -> str | None:
    """The closest known project label, for a warning ("did you mean 'Trajanje projekta (meseci)'?")."""
    words = {fold_compact(w): w for ws in project_labels().values() for w in ws}
    close = difflib.get_close_matches(fold_compact(label), words, n=1, cutoff=0.6)
    return words[close[0]] if close else None


def text(value: Any) -> str | None:
    """Cell value as trimmed text; None for empty cells. Whole floats lose their '.0' (Excel stores 2025.0)."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    t = str(value).strip()
    return t or None


@dataclass(frozen=True)
class Header:
    """The header row found (1-based), its columns by key, and any column named twice (key, cell, first)."""

    row: int
    columns: dict[str, int]            # key → 0-based column index
    duplicates: tuple[tuple[str, int, int], ...] = ()


def find_header(rows: Sequence[Sequence[Any]], required: Sequence[str]) -> tuple[Header | None, Header | None]:
    """(the header row, or None; the best incomplete candidate, for the message when there is none).

    The header is the first row, within the first rows, that names every required column; a row of a
    title, a logo or instructions above it is passed over.
    """
    best: Header | None = None
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS], start=1):
        columns: dict[str, int] = {}
        duplicates: list[tuple[str, int, int]] = []
        for i, value in enumerate(row):
            label = text(value)
            key = header_key(label) if label else None
            if key is None:
                continue
            if key in columns:
                duplicates.append((key, i, columns[key]))
                continue
            columns[key] = i
        if not columns:
            continue
        found = Header(r, columns, tuple(duplicates))
        if all(k in columns for k in required):
            return found, None
        if best is None or len(columns) > len(best.columns):
            best = found
    return None, best


def row_kind(row: Sequence[Any], columns: dict[str, int]) -> str | None:
    """"totals" (Skupaj, Celkem, Total, Summe… or only numbers where names belong), "note" (Opomba: …),
    or None for a row to read as a partner."""
    cells = [text(v) for v in row]
    filled = [c for c in cells if c]
    if not filled:
        return None
    first = fold_compact(filled[0])
    if first in spellings.plain("totals"):
        return "totals"
    head = fold_compact(filled[0].split(":", 1)[0]) if ":" in filled[0] else None
    if filled[0].startswith("*") or (head is not None and head in spellings.plain("notes")) or (
            len(filled) == 1 and first in spellings.plain("notes")):
        return "note"
    if any(cells[i] for k, i in columns.items() if k in ("role", "organisation", "country", "type") and i < len(cells)):
        return None                                   # a name where names belong: an organisation's row
    ids = {i for k, i in columns.items() if k in ("pic", "oid")}
    others = [v for i, v in enumerate(row) if cells[i] and i not in ids]
    if others and all(_is_number(v) for v in others):
        return "totals"
    return None


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return fold_compact(str(value)).replace(",", "").replace("eur", "").replace("€", "").isdigit()


@dataclass(frozen=True)
class LabelRow:
    """A label and the value to its right, as found on a Project sheet or above the partner table."""

    row: int
    label: str
    label_col: int      # 0-based
    value: Any
    value_col: int      # 0-based; the label's right neighbour when there is no value


def label_rows(rows: Sequence[Sequence[Any]], last_row: int | None = None) -> Iterator[LabelRow]:
    """Each row's first filled cell as a label and the next filled cell to its right as its value."""
    for r, row in enumerate(rows[:last_row] if last_row else rows, start=1):
        cells = list(row)
        first = next((i for i, v in enumerate(cells) if text(v)), None)
        if first is None:
            continue
        label = text(cells[first]) or ""
        if label.endswith(":"):
            label = label[:-1].strip()
        nxt = next((i for i in range(first + 1, len(cells)) if text(cells[i]) is not None), None)
        if nxt is None:
            yield LabelRow(r, label, first, None, first + 1)
        else:
            yield LabelRow(r, label, first, cells[nxt], nxt)
