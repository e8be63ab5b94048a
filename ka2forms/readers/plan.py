"""The ``Travel plan`` and ``Budget`` sheets → :class:`TravelRow` and :class:`BudgetLine` (docs/workbook.md).

Both sheets are optional. When present, every row is read or refused with its cell: a participant count that
is not a whole number ≥ 1, a negative or unreadable amount, a yes/no that is neither, a total row that does
not add up. Nothing is dropped without a word: blank rows are the only rows skipped, and a total row or
column is checked against the sum of the amounts above it or beside it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import yaml

from ka2forms.errors import InputError, Problem, WorkbookInvalid
from ka2forms.i18n import _, ngettext
from ka2forms.model import BudgetLine, Partner, TravelRow
from ka2forms.readers.cells import Collector, cell_text, column_letter, money, whole_number
from ka2forms.text import fold_compact

TOTAL_LABELS = ("Total", "Totals", "Sum", "Skupaj", "Vsota", "Celkem", "Součet", "Summe", "Gesamt", "Insgesamt")
_TOTALS = {fold_compact(t) for t in TOTAL_LABELS}


@dataclass(frozen=True)
class _Vocabulary:
    travel_sheets: frozenset[str]
    budget_sheets: frozenset[str]
    travel_columns: dict[str, str]      # folded header → key
    travel_names: dict[str, str]        # key → the first (English) header, for messages
    travel_required: tuple[str, ...]
    budget_columns: dict[str, str]
    yes: frozenset[str]
    no: frozenset[str]
    kinds: dict[str, str]               # folded word → meeting | travel


def _folded(words: Sequence[str]) -> frozenset[str]:
    return frozenset(fold_compact(str(w)) for w in words)


@cache
def vocabulary() -> _Vocabulary:
    """The sheet names, headers and words of ``readers/data/plan_sheets.yaml``, folded for matching."""
    raw = yaml.safe_load(resources.files("ka2forms.readers").joinpath("data", "plan_sheets.yaml")
                         .read_text(encoding="utf-8"))
    tp, bd = raw["travel_plan"], raw["budget"]
    return _Vocabulary(
        travel_sheets=_folded(tp["sheet"]),
        budget_sheets=_folded(bd["sheet"]),
        travel_columns={fold_compact(w): k for k, words in tp["columns"].items() for w in words},
        travel_names={k: words[0] for k, words in tp["columns"].items()},
        travel_required=tuple(tp["required"]),
        budget_columns={fold_compact(w): k for k, words in bd["columns"].items() for w in words},
        yes=_folded(raw["green_yes"]),
        no=_folded(raw["green_no"]),
        kinds={fold_compact(w): k for k, words in raw["kinds"].items() for w in words},
    )


def find_sheet(wb: Any, kind: str) -> Any | None:
    """The workbook's ``travel_plan`` or ``budget`` sheet under any of its names, or None."""
    names = vocabulary().travel_sheets if kind == "travel_plan" else vocabulary().budget_sheets
    return next((ws for ws in wb.worksheets if fold_compact(ws.title) in names), None)


def _rows(rows: Sequence[Sequence[Any]]) -> list[Sequence[Any]]:
    return [r if isinstance(r, (list, tuple)) else [r] for r in rows]


def _header(rows: Sequence[Sequence[Any]], columns: dict[str, str]) -> tuple[int, dict[str, int]] | None:
    """The first non-blank row of the first 20, read as a header: (row number, key → column index)."""
    for r, row in enumerate(rows[:20], start=1):
        labels = [cell_text(v) for v in row]
        if any(labels):
            return r, {columns[fold_compact(x)]: i for i, x in enumerate(labels)
                       if x and fold_compact(x) in columns}
    return None


def _cell(row: Sequence[Any], i: int | None) -> Any:
    return row[i] if i is not None and i < len(row) else None


def _amount(value: Any) -> Decimal:
    return money(value, what=_("amount"))


# ───────────────────────────────────────── Travel plan ─────────────────────────────────────────


def read_travel_plan_rows(rows: Sequence[Sequence[Any]], c: Collector) -> list[TravelRow]:
    """Travel rows from the sheet's rows (header first); every problem is added to ``c`` with its cell."""
    v = vocabulary()
    rows = _rows(rows)
    header = _header(rows, v.travel_columns)
    if header is None:
        return []
    hr, cols = header
    missing = [v.travel_names[k] for k in v.travel_required if k not in cols]
    if missing:
        c.add(f"A{hr}", ngettext("travel plan header lacks column {missing}", "travel plan header lacks columns "
                                 "{missing}", len(missing)).format(missing=", ".join(missing)))
        return []
    out: list[TravelRow] = []
    for r, row in enumerate(rows[hr:], start=hr + 1):
        values = {k: cell_text(_cell(row, i)) for k, i in cols.items()}
        if not any(values.values()):
            continue
        first = cell_text(row[0]) if row else None
        if first is not None and fold_compact(first) in _TOTALS and values.get("organisation") is None:
            continue   # the plan's own total row: its sum is ours to compute, not a trip

        def at(key: str, r: int = r) -> str:
            return f"{column_letter(cols[key] + 1)}{r}"

        ok = True
        for key in v.travel_required:
            if values.get(key) is None:
                c.add(at(key), _("missing {column}").format(column=v.travel_names[key].lower()))
                ok = False
        participants = None
        if values.get("participants") is not None:
            participants = c.attempt(at("participants"), whole_number, _cell(row, cols["participants"]),
                                     _("participants"))
            if participants is not None and participants < 1:
                c.add(at("participants"), _("participants must be at least 1, not {n}").format(n=participants))
                participants = None
        green = False
        if "green" in cols and values.get("green") is not None:
            word = fold_compact(values["green"])
            if word in v.yes:
                green = True
            elif word not in v.no:
                c.add(at("green"), _("green must be yes or no, not {value!r}").format(value=values["green"]))
                ok = False
        kind = None
        if "kind" in cols and values.get("kind") is not None:
            kind = v.kinds.get(fold_compact(values["kind"]))
            if kind is None:
                c.add(at("kind"), _("kind must be 'meeting' (transnational project meeting) or 'travel', not "
                                    "{value!r}").format(value=values["kind"]))
                ok = False
        if not ok or participants is None:
            continue
        out.append(TravelRow(activity=values["activity"] or "", organisation=values["organisation"] or "",
                             to_place=values["to"] or "", participants=participants,
                             from_place=values.get("from"), green=green, kind=kind,
                             where=c.at(f"A{r}")))
    return out


# ─────────────────────────────────────────── Budget ───────────────────────────────────────────


def read_budget_rows(rows: Sequence[Sequence[Any]], c: Collector) -> list[BudgetLine]:
    """Budget lines from a wide sheet (``Work package`` | one column per organisation) or a long one
    (``Work package`` | ``Organisation`` | ``Amount``). Total rows and columns are checked, not read."""
    v = vocabulary()
    rows = _rows(rows)
    header = _header(rows, v.budget_columns)
    if header is None:
        return []
    hr, cols = header
    if "work_package" not in cols:
        c.add(f"A{hr}", _("budget header lacks the column 'Work package'"))
        return []
    if "organisation" in cols and "amount" in cols:
        return _long(rows, hr, cols, c)
    return _wide(rows, hr, cols["work_package"], c)


def _read_amount(c: Collector, cell: str, value: Any) -> Decimal | None:
    amount = c.attempt(cell, _amount, value)
    if amount is not None and not amount.is_finite():
        c.add(cell, _("amount must be a number of EUR, not {value!r}").format(value=value))
        return None
    return amount


def _long(rows: Sequence[Sequence[Any]], hr: int, cols: dict[str, int], c: Collector) -> list[BudgetLine]:
    out: list[BudgetLine] = []
    running = Decimal(0)
    wi, oi, ai = cols["work_package"], cols["organisation"], cols["amount"]
    for r, row in enumerate(rows[hr:], start=hr + 1):
        wp, org, raw = cell_text(_cell(row, wi)), cell_text(_cell(row, oi)), _cell(row, ai)
        if wp is None and org is None and cell_text(raw) is None:
            continue
        amount_cell = f"{column_letter(ai + 1)}{r}"
        if wp is not None and fold_compact(wp) in _TOTALS and org is None:
            _check_total(c, amount_cell, raw, running, _("the amounts above it"))
            continue
        if wp is None:
            c.add(f"{column_letter(wi + 1)}{r}", _("missing work package"))
        if org is None:
            c.add(f"{column_letter(oi + 1)}{r}", _("missing organisation"))
        if cell_text(raw) is None:
            c.add(amount_cell, _("missing amount"))
            continue
        amount = _read_amount(c, amount_cell, raw)
        if amount is None or wp is None or org is None:
            continue
        running += amount
        out.append(BudgetLine(wp, org, amount, c.at(amount_cell)))
    return out


def _wide(rows: Sequence[Sequence[Any]], hr: int, wi: int, c: Collector) -> list[BudgetLine]:
    head = rows[hr - 1]
    orgs: dict[int, str] = {}
    total_col: int | None = None
    for i, value in enumerate(head):
        name = cell_text(value)
        if i == wi or name is None:
            continue
        if fold_compact(name) in _TOTALS:
            total_col = i
        else:
            orgs[i] = name
    if not orgs:
        if any(cell_text(v) is not None for row in rows[hr:] for i, v in enumerate(row) if i != wi):
            c.add(f"A{hr}", _("budget header names no organisation (one column per organisation, after "
                              "'Work package')"))
        return []   # only work-package names and no amounts: a budget not filled in yet
    out: list[BudgetLine] = []
    column_sums = dict.fromkeys(orgs, Decimal(0))
    for r, row in enumerate(rows[hr:], start=hr + 1):
        wp = cell_text(_cell(row, wi))
        cells = {i: _cell(row, i) for i in (*orgs, *([total_col] if total_col is not None else []))}
        if wp is None and all(cell_text(x) is None for x in cells.values()):
            continue
        if wp is not None and fold_compact(wp) in _TOTALS:
            for i in orgs:
                _check_total(c, f"{column_letter(i + 1)}{r}", cells[i], column_sums[i], _("the amounts above it"))
            continue
        if wp is None:
            c.add(f"{column_letter(wi + 1)}{r}", _("missing work package (the first column names it)"))
            continue
        row_sum = Decimal(0)
        for i, name in orgs.items():
            if cell_text(cells[i]) is None:
                continue  # an organisation without a share in this work package
            amount = _read_amount(c, f"{column_letter(i + 1)}{r}", cells[i])
            if amount is None:
                continue
            row_sum += amount
            column_sums[i] += amount
            out.append(BudgetLine(wp, name, amount, c.at(f"{column_letter(i + 1)}{r}")))
        if total_col is not None:
            _check_total(c, f"{column_letter(total_col + 1)}{r}", cells[total_col], row_sum, _("the amounts beside it"))
    return out


def _check_total(c: Collector, cell: str, value: Any, expected: Decimal, what: str) -> None:
    """A total the coordinator wrote must equal what we add up; a blank total is fine."""
    if cell_text(value) is None:
        return
    try:
        stated = _amount(value)
    except InputError as e:
        c.add(cell, e.message)
        return
    if abs(stated - expected) > Decimal("0.005"):
        c.add(cell, _("total {stated} EUR is not the sum of {what} ({expected} EUR)").format(
            stated=stated, what=what, expected=expected))


def travel_plan_from_rows(rows: Sequence[Sequence[Any]], *, sheet: str | None = None) -> tuple[TravelRow, ...]:
    """A travel plan given as rows of cell values, header first (an Excel range): problems raise WorkbookInvalid."""
    problems: list[Problem] = []
    out = read_travel_plan_rows(rows, Collector(sheet, problems))
    if problems:
        raise WorkbookInvalid(problems)
    return tuple(out)


def budget_from_rows(rows: Sequence[Sequence[Any]], *, sheet: str | None = None) -> tuple[BudgetLine, ...]:
    """A budget given as rows of cell values, header first (an Excel range): problems raise WorkbookInvalid."""
    problems: list[Problem] = []
    out = read_budget_rows(rows, Collector(sheet, problems))
    if problems:
        raise WorkbookInvalid(problems)
    return tuple(out)


def unknown_organisations(items: Sequence[TravelRow | BudgetLine], partners: Sequence[Partner],
                          c: Collector) -> None:
    """Every organisation named in the travel plan or budget is one of Partners, or a problem at its cell."""
    if not partners:
        return  # the Partners sheet has its own problems; do not add one per row here
    known = {fold_compact(p.organisation): p.organisation for p in partners}
    names = sorted(known.values())
    for item in items:
        if fold_compact(item.organisation) in known:
            continue
        close = difflib.get_close_matches(item.organisation, names, n=1, cutoff=0.6)
        cell = item.where.cell if item.where else None
        if isinstance(item, BudgetLine) and cell:
            cell = re.sub(r"\d+$", "1", cell)   # a wide budget names the organisation in its header cell
        if close:
            c.add(cell, _("organisation {name!r} is not in Partners; did you mean {hint!r}?").format(
                name=item.organisation, hint=close[0]))
        else:
            c.add(cell, _("organisation {name!r} is not in Partners (Partners lists: {names})").format(
                name=item.organisation, names=", ".join(names)))


__all__ = ["TOTAL_LABELS", "budget_from_rows", "find_sheet", "read_budget_rows", "read_travel_plan_rows",
           "travel_plan_from_rows", "unknown_organisations", "vocabulary"]
