"""Partner workbook → :class:`~ka2forms.model.Project` (the contract is in ``docs/workbook.md``).

The reader collects *every* problem before giving up, each with its sheet and cell, so a coordinator fixes
a partner's workbook in one round instead of one error at a time.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TypeVar

from ka2forms.errors import Location, Problem, WorkbookError, WorkbookInvalid
from ka2forms.i18n import _, ngettext
from ka2forms.model import Partner, Project
from ka2forms.readers import layout
from ka2forms.readers.cells import Collector, cell_text, column_letter, money, whole_number
from ka2forms.rules import resolve_role, resolve_type, spellings
from ka2forms.rules.countries import read_country
from ka2forms.text import fold_compact

T = TypeVar("T")

REQUIRED_PROJECT = ("action", "call_year")
REQUIRED_COLUMNS = ("role", "organisation", "country", "type")


def __getattr__(name: str) -> Any:
    """PROJECT_LABELS, PARTNER_HEADERS, PROJECT_SHEET, PARTNERS_SHEET: every spelling lives in
    rules/data/spellings.yaml (all languages); these names stay for the code that reads them (services/forms.py
    matches form fields against the same words). Loaded on first use, so importing the reader (the Excel
    worksheet functions do) does not read the vocabulary."""
    lazy = {"PROJECT_LABELS": layout.project_labels, "PARTNER_HEADERS": layout.partner_headers,
            "PROJECT_SHEET": lambda: spellings.keyed("sheets")["project"],
            "PARTNERS_SHEET": lambda: spellings.keyed("sheets")["partners"]}
    if name in lazy:
        return lazy[name]()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


PIC_RE = re.compile(r"^\d{9}$")
OID_RE = re.compile(r"^E\d{8}$")


def read_workbook(path: str | Path, *, action: str | None = None, call_year: int | None = None) -> Project:
    """Read a partner workbook (.xlsx, .xlsm, .ods, or a .csv partner table).

    ``action`` and ``call_year`` (the ``--action``/``--year`` options) supply what the file does not say; a
    file that says otherwise is a problem at its cell, never silently overruled. Raises WorkbookError
    (cannot read) or WorkbookInvalid (all problems found). What was read with a doubt or passed over is in
    ``Project.warnings``, each with its cell.
    """
    from ka2forms.readers.grid import open_grid  # openpyxl: only when a file is read (not in Excel UDFs)

    p = Path(path)
    grid = open_grid(p)
    try:
        problems: list[Problem] = []
        warnings: list[Problem] = []
        project_ws, partners_ws, table = _find_sheets(grid, p)
        _hidden_sheets(grid, (project_ws, partners_ws), warnings)
        partner_rows = _table_rows(partners_ws, table)
        header, _best = layout.find_header(partner_rows, REQUIRED_COLUMNS)
        def on(ws: Any, **kw: Any) -> Collector:
            return Collector(ws.title, problems, warnings, uncached=lambda: ws.uncached, **kw)

        if project_ws is not None:
            pc = on(project_ws)
            fields, cells = _read_project(project_ws.rows(), pc, None, given={"action": action, "call_year": call_year})
            if header is not None and header.row > 1 and table is None:
                # Fields written above the partner table too are read, never passed over in silence.
                extra, extra_cells = _read_project(partner_rows, on(partners_ws), header.row - 1, given={},
                                                   required=())
                _merge_fields(fields, cells, extra, extra_cells, problems)
        else:  # one sheet: the project fields stand above the partner table
            pc = on(partners_ws)
            last = header.row - 1 if header else 0
            fields, cells = _read_project(partner_rows, pc, last, given={"action": action, "call_year": call_year})
        c = on(partners_ws, call_year=fields.get("call_year"))
        partners = _read_partners(partner_rows, c, hidden=partners_ws.hidden_rows, offset=table)
        fields.update(_read_plan_sheets(grid, problems, partners))
    finally:
        grid.close()
    if problems:
        raise WorkbookInvalid(problems, file=str(p))
    return Project(partners=tuple(partners), source=str(p), cells={k: v.in_file(str(p)) for k, v in cells.items()},
                   warnings=tuple(Problem(w.where.in_file(str(p)), w.message) for w in warnings), **fields)


def _read_plan_sheets(grid: Any, problems: list[Problem], partners: Sequence[Partner]) -> dict[str, Any]:
    """The optional Travel plan and Budget sheets (readers/plan.py), with their problems.

    An organisation named there must be one of Partners: a misspelt name would otherwise give a share, or
    a trip, to nobody. A sheet with nothing under its header (the blank workbook of ``ka2forms new``) is no
    plan and no budget: there is nothing to check yet.
    """
    from ka2forms.readers.plan import find_sheet, read_budget_rows, read_travel_plan_rows, unknown_organisations

    sheets = SimpleNamespace(worksheets=grid.sheets)  # find_sheet looks at .worksheets and their .title
    out: dict[str, Any] = {}
    for key, read_rows in (("travel_plan", read_travel_plan_rows), ("budget", read_budget_rows)):
        if (ws := find_sheet(sheets, key)) is not None:
            c = Collector(ws.title, problems)
            before = len(problems)
            rows = tuple(read_rows(list(ws.rows()), c))
            unknown_organisations(rows, partners, c)
            if rows or len(problems) > before:
                out[key] = rows
    return out


def read_partner_rows(rows: Sequence[Sequence[Any]], *, sheet: str | None = None,
                      call_year: int | None = None) -> list[Partner]:
    """Partners from a table given as rows of cell values, header row first (an Excel range, a CSV…).

    The worksheet functions use this with the values xlwings passes, so a range in Excel and the Partners
    sheet of a workbook are read by the same code. Problems raise WorkbookInvalid with range-relative cells.
    A cell has no room for a warning, so a country read with a doubt ("RS" without a town) is a problem
    here (one the row's town settles is taken: the town exists in only one of the candidates); rows passed
    over (totals, notes) are simply not partners.
    """
    problems: list[Problem] = []
    partners = _read_partners([r if isinstance(r, (list, tuple)) else [r] for r in rows],
                              Collector(sheet, problems, call_year=call_year, doubts_are_errors=True))
    if problems:
        raise WorkbookInvalid(problems)
    return partners


def _partner_sheet_names() -> tuple[str, ...]:
    return spellings.keyed("sheets")["partners"]


def _find_sheets(grid: Any, path: Path) -> tuple[Any, Any, Any]:
    """(the Project sheet or None, the partner sheet, the partner Excel table's range or None).

    By name first (any language of spellings.yaml); then an Excel table named like a partner sheet; then the
    first sheet whose first rows hold a partner header ("List1", "Sheet1", a CSV file).
    """
    projects = [s for s in grid.sheets if layout.sheet_kind(s.title) == "project"]
    _one(projects, _("project sheets"), path)
    project = projects[0] if projects else None
    tables = [(s, name, rng) for s in grid.sheets for name, rng in s.tables.items()
              if layout.sheet_kind(re.sub(r"(?i)^(tbl|table|tabela|tabulka|tabelle)_?", "", name)) == "partners"]
    _one([_("{table} (sheet {sheet!r})").format(table=name, sheet=s.title) for s, name, _r in tables],
         _("Excel tables of partners"), path)
    if tables:
        return project, tables[0][0], tables[0][2]
    named = [s for s in grid.sheets if layout.sheet_kind(s.title) == "partners"]
    _one(named, _("partner sheets"), path)
    partners = named[0] if named else None
    if partners is None:
        candidates = [s for s in grid.sheets if s is not project]
        partners = next((s for s in candidates if layout.find_header(s.rows(), REQUIRED_COLUMNS)[0]), None)
    if partners is None:
        found = ", ".join(repr(s.title) for s in grid.sheets) or _("none")
        names = _partner_sheet_names()
        raise WorkbookError(_("no partner table: no sheet named {first!r} (or {second!r}, {third!r}…) and no sheet "
                              "whose first rows hold a header with Role, Organisation, Country and Type (sheets "
                              "found: {found})").format(first=names[0], second=names[1], third=names[5], found=found),
                            where=Location(file=str(path)))
    return project, partners, None


def _hidden_sheets(grid: Any, used: Sequence[Any], warnings: list[Problem]) -> None:
    """A hidden sheet that was read, or that looks like a partner or project sheet, is a warning naming it: a
    consortium kept out of sight (an old partner list, a second project sheet) is never passed over in silence.
    Hidden sheets of lists (the dropdowns of ``ka2forms new``) are nothing to report."""
    for s in grid.sheets:
        if not s.hidden:
            continue
        if any(s is u for u in used):
            message = _("this sheet is hidden in the file; it was read — unhide it to see what was checked")
        elif layout.sheet_kind(s.title) in ("project", "partners") or \
                layout.find_header(s.rows(), REQUIRED_COLUMNS)[0] is not None:
            message = _("this sheet is hidden in the file and looks like a partner or project sheet; it was not "
                        "read — delete it, or unhide it and keep one partner sheet")
        else:
            continue
        warnings.append(Problem(Location(sheet=s.title), message))


def _one(found: Sequence[Any], what: str, path: Path) -> None:
    """Two sheets (or tables) that could each be the one: refuse rather than pick one in silence."""
    if len(found) > 1:
        names = ", ".join(repr(getattr(f, "title", f)) + (_(" (hidden)") if getattr(f, "hidden", False) else "")
                          for f in found)
        raise WorkbookError(_("{count} {what} ({names}): keep one, or rename the others").format(
            count=len(found), what=what, names=names), where=Location(file=str(path)))


def _table_rows(sheet: Any, table: Any) -> list[Sequence[Any]]:
    rows = sheet.rows()
    if table is None:
        return rows
    # Cells outside the table become empty, so that cell names stay the sheet's own (C7 is C7).
    out: list[Sequence[Any]] = []
    for r, row in enumerate(rows[:table.max_row], start=1):
        if r < table.min_row:
            out.append(())
        else:
            out.append(tuple(v if table.min_col <= i + 1 <= table.max_col else None for i, v in enumerate(row)))
    return out


def _bounded(c: Collector, cell: str, value: Any, what: str, lo: int, hi: int, out_of_range: str) -> int | None:
    """A whole number within [lo, hi], or None with the problem recorded at the cell."""
    number = c.attempt(cell, whole_number, value, what)
    if number is not None and not lo <= number <= hi:
        c.add(cell, out_of_range.format(number))
        return None
    return number


def _merge_fields(fields: dict[str, Any], cells: dict[str, Location], extra: dict[str, Any],
                  extra_cells: dict[str, Location], problems: list[Problem]) -> None:
    """Project fields found above the partner table join those of the Project sheet; the same field with
    two different values is a problem at both cells."""
    for key, value in extra.items():
        if value is None:
            continue
        if fields.get(key) is None:
            fields[key] = value
            cells[key] = extra_cells[key]
        elif fields[key] != value:
            first = cells.get(key)
            label = layout.project_labels()[key][0]
            problems.append(Problem(extra_cells[key], _("{label!r} is {value!r} here but {other!r} in {cell}").format(
                label=label, value=value, other=fields[key], cell=f"{first.sheet}!{first.cell}") if first else
                _("{label!r} is given twice").format(label=label)))


def _read_project(rows: Sequence[Sequence[Any]], c: Collector, last_row: int | None, *,
                  given: dict[str, Any], required: tuple[str, ...] = REQUIRED_PROJECT,
                  ) -> tuple[dict[str, Any], dict[str, Location]]:
    """Project fields from label rows (all rows of a Project sheet, or those above the partner header)."""
    raw: dict[str, tuple[Any, str]] = {}
    for lr in layout.label_rows(rows[:last_row] if last_row is not None else rows):
        key = layout.project_key(lr.label)
        label_cell = f"{column_letter(lr.label_col + 1)}{lr.row}"
        value_cell = f"{column_letter(lr.value_col + 1)}{lr.row}"
        if lr.value is None and (unsaved := _unsaved_right_of(c, lr.row, lr.label_col)) is not None:
            c.add(unsaved, _unsaved_message(lr.label))   # a value given by a formula nobody computed
            continue
        if key is None:
            if lr.value is not None:  # a label with a value we do not understand: said, never dropped silently
                hint = layout.did_you_mean(lr.label)
                shown = str(cell_text(lr.value))[:40]
                if hint:
                    c.warn(label_cell, _("label {label!r} is not one ka2forms knows, so its value {value!r} was not "
                                         "read — did you mean {hint!r}?").format(label=lr.label, value=shown,
                                                                                 hint=hint))
                else:
                    c.warn(label_cell, _("label {label!r} is not one ka2forms knows, so its value {value!r} was not "
                                         "read (known labels: docs/workbook.md)").format(label=lr.label, value=shown))
            continue
        if key in raw:
            c.add(label_cell, _("{label!r} appears twice (first in {cell})").format(label=lr.label, cell=raw[key][2]))
            continue
        raw[key] = (lr.value, value_cell, label_cell)

    for key, option in (("action", "--action"), ("call_year", "--year")):
        wanted = given.get(key)
        if wanted is None:
            continue
        value, cell, _label_cell = raw.get(key, (None, None, None))
        if cell_text(value) is None:
            raw[key] = (wanted, None, None)
        elif fold_compact(str(cell_text(value))) != fold_compact(str(wanted)):
            label = layout.project_labels()[key][0]
            c.add(cell, _("the file says {label} {value!r} but {option} says {wanted!r}: correct one of them").format(
                label=label, value=cell_text(value), option=option, wanted=wanted))

    fields: dict[str, Any] = {}
    cells: dict[str, Location] = {}
    for key in layout.project_labels():
        value, cell, _label_cell = raw.get(key, (None, None, None))
        if cell:
            cells[key] = c.at(cell)
        if cell_text(value) is None:
            if key in required:
                option = {"action": "--action", "call_year": "--year"}[key]
                label = layout.project_labels()[key][0]
                c.add(cell or "A:B", _("missing {label!r} (a label such as {label!r} with its value in the cell to "
                                       "its right, or the {option} option)").format(label=label, option=option))
            continue
        where = cell or ""
        if key == "call_year":
            fields[key] = _bounded(c, where, value, _("call year"), 2014, 2100,
                                   _("call year {} is outside the Erasmus+ programme (2014 onwards)"))
        elif key == "duration_months":
            fields[key] = _bounded(c, where, value, _("duration (months)"), 1, 120,
                                   _("duration of {} months is not plausible"))
        elif key == "requested_grant":
            fields[key] = c.attempt(where, money, value)
        else:
            fields[key] = cell_text(value)
    return fields, cells


def _read_partners(rows: Sequence[Sequence[Any]], c: Collector, *, hidden: frozenset[int] = frozenset(),
                   offset: Any = None) -> list[Partner]:
    header, best = layout.find_header(rows, REQUIRED_COLUMNS)
    if header is None:
        if best is not None:
            missing = [layout.partner_headers()[k][0] for k in REQUIRED_COLUMNS if k not in best.columns]
            labels = [t for v in rows[best.row - 1] if (t := cell_text(v))]
            c.add(f"A{best.row}", ngettext("header row lacks column {missing} (found: {found})",
                                           "header row lacks columns {missing} (found: {found})",
                                           len(missing)).format(missing=", ".join(missing), found=", ".join(labels)))
        else:
            c.add(None, _("no header row in the first {rows} rows (expected Role, Organisation, Country, City, "
                          "Type, PIC, OID)").format(rows=layout.HEADER_SCAN_ROWS))
        return []
    header_row, columns = header.row, header.columns
    for _key, i, first in header.duplicates:
        label = cell_text(rows[header_row - 1][i])
        c.add(f"{column_letter(i + 1)}{header_row}", _("column {label!r} appears twice (also {cell})").format(
            label=label, cell=f"{column_letter(first + 1)}{header_row}"))
    _unknown_headers(rows[header_row - 1], header_row, columns, c)
    problems_before = len(c.problems)
    partners: list[Partner] = []
    seen: dict[tuple[str, str], str] = {}

    def cell(key: str, r: int) -> str:
        return f"{column_letter(columns[key] + 1)}{r}"

    for r, row in enumerate(rows[header_row:], start=header_row + 1):
        values = {k: cell_text(row[i]) if i < len(row) else None for k, i in columns.items()}
        if not any(values.values()):
            continue  # nothing in the columns ka2forms reads (a numbered empty template row, a side note)
        kind = layout.row_kind(row, columns)
        if kind is not None:
            first = next(i for i, v in enumerate(row) if cell_text(v))
            shown = str(cell_text(row[first]))[:40]
            c.warn(f"{column_letter(first + 1)}{r}", (
                _("row {row} skipped: a totals row ({text!r}), not an organisation") if kind == "totals" else
                _("row {row} skipped: a note ({text!r}), not an organisation")).format(row=r, text=shown))
            continue
        if r in hidden:
            c.warn(cell("organisation", r), _("row {row} is hidden in the file; it was read as a partner — delete "
                                              "the row if this organisation left the consortium").format(row=r))
        unsaved = [k for k, v in values.items() if v is None and c.unsaved(cell(k, r))]
        for key in unsaved:
            c.add(cell(key, r), _unsaved_message(layout.partner_headers()[key][0]))
        for key in REQUIRED_COLUMNS:
            if values[key] is None and key not in unsaved:
                c.add(cell(key, r), _("missing {column}").format(column=layout.partner_headers()[key][0].lower()))
        role = c.attempt(cell("role", r), resolve_role, values["role"]) if values["role"] else None
        reading = c.attempt(cell("country", r), _read_country, values["country"], values.get("city"),
                            c.call_year) if values["country"] else None
        if reading is not None and reading.warning:
            if c.doubts_are_errors and not reading.by_city:
                c.add(cell("country", r), reading.refusal or reading.warning)
                reading = None
            else:
                c.warn(cell("country", r), reading.warning)
        country = reading.code if reading is not None else None
        org_type = c.attempt(cell("type", r), resolve_type, values["type"]) if values["type"] else None
        pic = _identifier(values.get("pic"), "pic", cell("pic", r) if "pic" in columns else "", c, seen)
        oid = _identifier(values.get("oid"), "oid", cell("oid", r) if "oid" in columns else "", c, seen)
        if role is None or country is None or org_type is None or values["organisation"] is None:
            continue
        partners.append(Partner(role=role, organisation=values["organisation"], country=country, org_type=org_type,
                                city=values.get("city"), pic=pic, oid=oid, where=c.at(cell("organisation", r)),
                                city_where=c.at(cell("city", r)) if values.get("city") else None))
    if not partners and len(c.problems) == problems_before:
        c.add(f"A{header_row + 1}", _("no organisations listed under the header row"))
    return partners


def _unsaved_right_of(c: Collector, row: int, label_col: int) -> str | None:
    """The first cell right of a label that holds a formula without a saved result, if any."""
    refs = c.uncached()
    if not refs:
        return None
    return next((ref for col in range(label_col + 2, label_col + 40) if (ref := f"{column_letter(col)}{row}") in refs),
                None)


def _unsaved_message(what: str) -> str:
    return _("{what!r} is a formula whose result is not saved in the file (it was written by a program that does "
             "not calculate): open the file in Excel or LibreOffice Calc and save it, or type the value").format(
        what=what)


def _read_country(text: str, city: str | None, call_year: int | None) -> Any:
    """The country of a row; an ambiguous spelling ("RS", "CR") is settled by the row's city when it can be."""
    def place_countries() -> frozenset[str]:
        from ka2forms.places.lookup import countries_with_place  # the gazetteer: only for an ambiguous spelling

        return countries_with_place(city) if city else frozenset()

    return read_country(text, call_year, place_countries=place_countries)


def _unknown_headers(row: Sequence[Any], r: int, columns: dict[str, int], c: Collector) -> None:
    """A header that nearly names a column we read (PIC-Code, Town/City) is said, not dropped silently."""
    known = {fold_compact(w): w for k, ws in layout.partner_headers().items() if k not in columns for w in ws}
    used = set(columns.values())
    for i, value in enumerate(row):
        label = cell_text(value)
        if i in used or not label:
            continue
        close = difflib.get_close_matches(fold_compact(label), known, n=1, cutoff=0.8)
        if close:
            c.warn(f"{column_letter(i + 1)}{r}", _("column {label!r} was not read — did you mean {hint!r}?").format(
                label=label, hint=known[close[0]]))


def _identifier(value: str | None, kind: str, cell: str, c: Collector, seen: dict[tuple[str, str], str]) -> str | None:
    if value is None:
        return None
    text = re.sub(r"[\s\u00a0]", "", value).upper()
    if kind == "pic":
        if not PIC_RE.fullmatch(text):
            c.add(cell, _("malformed PIC {value!r}: a PIC has exactly 9 digits").format(value=value))
            return None
    elif not OID_RE.fullmatch(text):
        c.add(cell, _("malformed OID {value!r}: an OID is 'E' followed by 8 digits, e.g. E10123456").format(
            value=value))
        return None
    first = seen.get((kind, text))
    if first:
        c.add(cell, _("duplicate {kind} {value} (also in {cell})").format(kind=kind.upper(), value=text, cell=first))
        return text
    seen[(kind, text)] = cell
    return text

