"""Partner workbook → :class:`~ka2forms.model.Project` (the contract is in ``docs/workbook.md``).

The reader collects *every* problem before giving up, each with its sheet and cell, so a coordinator fixes
a partner's workbook in one round instead of one error at a time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

from ka2forms.errors import InputError, Location, Problem, WorkbookError, WorkbookInvalid
from ka2forms.model import Partner, Project
from ka2forms.rules import resolve_country, resolve_role, resolve_type
from ka2forms.text import fold_compact

T = TypeVar("T")

PROJECT_SHEET = ("Project", "Projekt")
PARTNERS_SHEET = ("Partners", "Partnerji", "Partneři", "Partneri")

# Project-sheet labels (column A) → model field; matching ignores case, spaces, brackets and diacritics.
PROJECT_LABELS: dict[str, tuple[str, ...]] = {
    "action": ("Action", "Action type", "Key action", "Ukrep", "Akcija", "Akce", "Typ akce", "Aktivita"),
    "call_year": ("Call year", "Call", "Year of call", "Leto razpisa", "Razpis", "Rok výzvy", "Výzva"),
    "title": ("Title", "Project title", "Naslov", "Naslov projekta", "Název", "Název projektu"),
    "acronym": ("Acronym", "Akronim", "Akronym", "Zkratka"),
    "duration_months": ("Duration (months)", "Duration", "Duration in months", "Trajanje (meseci)", "Trajanje",
                        "Doba trvání (měsíce)", "Doba trvání", "Délka (měsíce)", "Trvání (měsíce)"),
    "requested_grant": ("Requested grant (EUR)", "Requested grant", "Grant (EUR)", "Lump sum", "Lump sum (EUR)",
                        "Zaprošena sredstva (EUR)", "Zaprošena sredstva", "Zaprošeni znesek", "Pavšalni znesek",
                        "Požadovaný grant (EUR)", "Požadovaný grant", "Požadovaná částka", "Jednorázová částka"),
}
REQUIRED_PROJECT = ("action", "call_year")

# Partners-sheet headers → column key.
PARTNER_HEADERS: dict[str, tuple[str, ...]] = {
    "role": ("Role", "Vloga", "Úloha"),
    "organisation": ("Organisation", "Organization", "Organisation name", "Organization name", "Name",
                     "Legal name", "Organizacija", "Naziv organizacije", "Ime organizacije", "Naziv",
                     "Organizace", "Název organizace", "Název"),
    "country": ("Country", "Država", "Země", "Stát"),
    "city": ("City", "Town", "City/Town", "Place", "Mesto", "Kraj", "Kraj/Mesto", "Město", "Obec", "Sídlo"),
    "type": ("Type", "Organisation type", "Organization type", "Type of organisation", "Vrsta", "Vrsta organizacije",
             "Tip", "Tip organizacije", "Typ", "Typ organizace", "Druh organizace"),
    "pic": ("PIC", "PIC code", "PIC koda", "PIC kód", "Participant Identification Code"),
    "oid": ("OID", "OID code", "Organisation ID", "Organization ID", "OID koda", "OID kód"),
}
REQUIRED_COLUMNS = ("role", "organisation", "country", "type")

PIC_RE = re.compile(r"^\d{9}$")
OID_RE = re.compile(r"^E\d{8}$")

_PROJECT_KEYS = {fold_compact(label): key for key, labels in PROJECT_LABELS.items() for label in labels}
_PARTNER_KEYS = {fold_compact(label): key for key, labels in PARTNER_HEADERS.items() for label in labels}


def _column(n: int) -> str:
    """Column letters of a 1-based column number: 1 → A, 28 → AB (what openpyxl's get_column_letter does;
    kept here so that parsing a table passed by Excel does not import openpyxl)."""
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


@dataclass
class _Collector:
    """Gathers problems; ``attempt`` turns a raised InputError into a problem at the given cell."""

    sheet: str | None
    problems: list[Problem]

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


def read_workbook(path: str | Path) -> Project:
    """Read a partner workbook. Raises WorkbookError (cannot read) or WorkbookInvalid (all problems found)."""
    from ka2forms.readers.xlsx_file import open_workbook  # openpyxl: only when a file is read (not in Excel UDFs)

    p = Path(path)
    wb = open_workbook(p)
    try:
        problems: list[Problem] = []
        project_ws = _sheet(wb, PROJECT_SHEET, p)
        partners_ws = _sheet(wb, PARTNERS_SHEET, p)
        fields, cells = _read_project(project_ws, _Collector(project_ws.title, problems))
        rows = list(partners_ws.iter_rows(min_row=1, values_only=True))
        partners = _read_partners(rows, _Collector(partners_ws.title, problems))
        fields.update(_read_plan_sheets(wb, problems, partners))
    finally:
        wb.close()
    if problems:
        raise WorkbookInvalid(problems, file=str(p))
    return Project(partners=tuple(partners), source=str(p), cells={k: v.in_file(str(p)) for k, v in cells.items()},
                   **fields)


def _read_plan_sheets(wb: Any, problems: list[Problem], partners: Sequence[Partner]) -> dict[str, Any]:
    """The optional Travel plan and Budget sheets (readers/plan.py), with their problems.

    An organisation named there must be one of Partners: a misspelt name would otherwise give a share, or
    a trip, to nobody.
    """
    from ka2forms.readers.plan import find_sheet, read_budget_rows, read_travel_plan_rows, unknown_organisations

    out: dict[str, Any] = {}
    if (ws := find_sheet(wb, "travel_plan")) is not None:
        c = _Collector(ws.title, problems)
        out["travel_plan"] = tuple(read_travel_plan_rows(list(ws.iter_rows(min_row=1, values_only=True)), c))
        unknown_organisations(out["travel_plan"], partners, c)
    if (ws := find_sheet(wb, "budget")) is not None:
        c = _Collector(ws.title, problems)
        out["budget"] = tuple(read_budget_rows(list(ws.iter_rows(min_row=1, values_only=True)), c))
        unknown_organisations(out["budget"], partners, c)
    return out


def read_partner_rows(rows: Sequence[Sequence[Any]], *, sheet: str | None = None) -> list[Partner]:
    """Partners from a table given as rows of cell values, header row first (an Excel range, a CSV…).

    The worksheet functions use this with the values xlwings passes, so a range in Excel and the Partners
    sheet of a workbook are read by the same code. Problems raise WorkbookInvalid with range-relative cells.
    """
    problems: list[Problem] = []
    partners = _read_partners([r if isinstance(r, (list, tuple)) else [r] for r in rows], _Collector(sheet, problems))
    if problems:
        raise WorkbookInvalid(problems)
    return partners


def _sheet(wb: Any, names: tuple[str, ...], path: Path) -> Any:
    wanted = {fold_compact(n) for n in names}
    for ws in wb.worksheets:
        if fold_compact(ws.title) in wanted:
            return ws
    found = ", ".join(repr(ws.title) for ws in wb.worksheets) or "none"
    raise WorkbookError(f"no sheet named {names[0]!r} (sheets found: {found})", where=Location(file=str(path)))


def _text(value: Any) -> str | None:
    """Cell value as trimmed text; None for empty cells. Whole floats lose their '.0' (Excel stores 2025.0)."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def whole_number(value: Any, what: str) -> int:
    """A cell value as a whole number: Excel's 2025.0 and the text "2025" both give 2025."""
    if isinstance(value, bool):
        raise InputError(f"{what} must be a whole number, not {value!r}")
    if isinstance(value, (int, float)) and float(value).is_integer():
        return int(value)
    text = _text(value) or ""
    if re.fullmatch(r"\d+", text):
        return int(text)
    raise InputError(f"{what} must be a whole number, not {value!r}")


def _bounded(c: _Collector, cell: str, value: Any, what: str, lo: int, hi: int, out_of_range: str) -> int | None:
    """A whole number within [lo, hi], or None with the problem recorded at the cell."""
    number = c.attempt(cell, whole_number, value, what)
    if number is not None and not lo <= number <= hi:
        c.add(cell, out_of_range.format(number))
        return None
    return number


def _money(value: Any, what: str = "requested grant") -> Decimal:
    """Excel number or text such as ``250.000,00 €`` / ``250,000.00`` / ``250 000`` → Decimal."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value < 0:
            raise InputError(f"{what} cannot be negative ({value!r})")
        return Decimal(str(value))
    text = re.sub(r"(?i)eur|€|\s|\u00a0|\u202f", "", str(value))
    if "," in text and "." in text:
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal_sep == "," else ",", "").replace(decimal_sep, ".")
    elif "," in text:
        head, _, tail = text.rpartition(",")
        text = head.replace(",", "") + ("." + tail if len(tail) != 3 else tail)
    elif text.count(".") > 1 or (text.count(".") == 1 and len(text.rpartition(".")[2]) == 3):
        text = text.replace(".", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise InputError(f"{what} must be an amount in EUR, not {value!r}") from None
    if amount < 0:
        raise InputError(f"{what} cannot be negative ({value!r})")
    return amount


def _read_project(ws: Any, c: _Collector) -> tuple[dict[str, Any], dict[str, Location]]:
    raw: dict[str, tuple[Any, str]] = {}
    for r, row in enumerate(ws.iter_rows(min_row=1, max_col=2, values_only=True), start=1):
        label = _text(row[0]) if row else None
        if not label:
            continue
        key = _PROJECT_KEYS.get(fold_compact(label))
        if key is None:
            continue  # other rows (notes, formulas) are allowed
        if key in raw:
            c.add(f"A{r}", f"{label!r} appears twice (first in {raw[key][1].replace('B', 'A')})")
            continue
        raw[key] = (row[1] if len(row) > 1 else None, f"B{r}")

    fields: dict[str, Any] = {}
    cells: dict[str, Location] = {}
    for key in PROJECT_LABELS:
        value, cell = raw.get(key, (None, None))
        if cell:
            cells[key] = c.at(cell)
        if _text(value) is None:
            if key in REQUIRED_PROJECT:
                where = cell or "A:B"
                c.add(where, f"missing {PROJECT_LABELS[key][0]!r} (label in column A, value in column B)")
            continue
        if key == "call_year":
            fields[key] = _bounded(c, cell, value, "call year", 2014, 2100,
                                   "call year {} is outside the Erasmus+ programme (2014 onwards)")
        elif key == "duration_months":
            fields[key] = _bounded(c, cell, value, "duration (months)", 1, 120,
                                   "duration of {} months is not plausible")
        elif key == "requested_grant":
            fields[key] = c.attempt(cell, _money, value)
        else:
            fields[key] = _text(value)
    return fields, cells


def _header_map(rows: Sequence[Sequence[Any]], c: _Collector) -> tuple[int, dict[str, int]] | None:
    for r, row in enumerate(rows[:20], start=1):
        labels = [_text(v) for v in row]
        if not any(labels):
            continue
        columns: dict[str, int] = {}
        for i, label in enumerate(labels):
            key = _PARTNER_KEYS.get(fold_compact(label)) if label else None
            if key is None:
                continue
            if key in columns:
                c.add(f"{_column(i + 1)}{r}",
                      f"column {label!r} appears twice (also {_column(columns[key] + 1)}{r})")
                continue
            columns[key] = i
        missing = [PARTNER_HEADERS[k][0] for k in REQUIRED_COLUMNS if k not in columns]
        if missing:
            c.add(f"A{r}", f"header row lacks column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                           f"(found: {', '.join(label for label in labels if label)})")
            return None
        return r, columns
    c.add(None, "no header row (expected Role, Organisation, Country, City, Type, PIC, OID)")
    return None


def _read_partners(rows: Sequence[Sequence[Any]], c: _Collector) -> list[Partner]:
    header = _header_map(rows, c)
    if header is None:
        return []
    header_row, columns = header
    problems_before = len(c.problems)
    partners: list[Partner] = []
    seen: dict[tuple[str, str], str] = {}

    def cell(key: str, r: int) -> str:
        return f"{_column(columns[key] + 1)}{r}"

    for r, row in enumerate(rows[header_row:], start=header_row + 1):
        values = {k: _text(row[i]) if i < len(row) else None for k, i in columns.items()}
        if not any(values.values()):
            continue
        for key in REQUIRED_COLUMNS:
            if values[key] is None:
                c.add(cell(key, r), f"missing {PARTNER_HEADERS[key][0].lower()}")
        role = c.attempt(cell("role", r), resolve_role, values["role"]) if values["role"] else None
        country = c.attempt(cell("country", r), resolve_country, values["country"]) if values["country"] else None
        org_type = c.attempt(cell("type", r), resolve_type, values["type"]) if values["type"] else None
        pic = _identifier(values.get("pic"), "pic", cell("pic", r) if "pic" in columns else "", c, seen)
        oid = _identifier(values.get("oid"), "oid", cell("oid", r) if "oid" in columns else "", c, seen)
        if role is None or country is None or org_type is None or values["organisation"] is None:
            continue
        partners.append(Partner(role=role, organisation=values["organisation"], country=country, org_type=org_type,
                                city=values.get("city"), pic=pic, oid=oid, where=c.at(cell("organisation", r))))
    if not partners and len(c.problems) == problems_before:
        c.add(f"A{header_row + 1}", "no organisations listed under the header row")
    return partners


def _identifier(value: str | None, kind: str, cell: str, c: _Collector, seen: dict[tuple[str, str], str]) -> str | None:
    if value is None:
        return None
    text = re.sub(r"[\s\u00a0]", "", value).upper()
    if kind == "pic":
        if not PIC_RE.fullmatch(text):
            c.add(cell, f"malformed PIC {value!r}: a PIC has exactly 9 digits")
            return None
    elif not OID_RE.fullmatch(text):
        c.add(cell, f"malformed OID {value!r}: an OID is 'E' followed by 8 digits, e.g. E10123456")
        return None
    first = seen.get((kind, text))
    if first:
        c.add(cell, f"duplicate {kind.upper()} {text} (also in {first})")
        return text
    seen[(kind, text)] = cell
    return text

