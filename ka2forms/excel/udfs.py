"""Excel worksheet functions (xlwings UDFs): the Programme Guide in a formula.

Put ``ka2forms.udfs`` in xlwings' "UDF Modules" setting (the add-in's configuration sheet does it), then
use ``=KA2_ELIGIBLE(Partners!A1:G12, "KA220-VET", 2025)`` and friends. Every function is a thin skin:
convert what Excel passes (one cell → scalar, numbers as float, empty → None, a range → list of lists),
call the core, and return a value Excel can show. A wrong input returns a short readable message in the
cell (``KA2: unknown country 'Slovnia' — did you mean Slovenia (SI)?``), never a traceback, because
classic xlwings UDFs put exception text in the cell (xlwings issues #776, #1108).

Without xlwings (Linux, LibreOffice, the ``formulas`` engine in tests) the decorators below do nothing
and the functions are plain Python.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from ka2forms import __version__, i18n
from ka2forms.errors import InputError, Ka2Error, WorkbookInvalid
from ka2forms.i18n import _
from ka2forms.readers.cells import whole_number
from ka2forms.readers.workbook import read_partner_rows
from ka2forms.rules import country_status, covered_years, resolve_action, rules_edition, rules_for, words
from ka2forms.services.check import check_consortium

F = TypeVar("F", bound=Callable[..., Any])

try:  # in Excel the xlwings server has imported xlwings already, so this costs nothing there
    import xlwings as _xw

    _func: Callable[..., Any] = _xw.func
    _arg: Callable[..., Any] = _xw.arg
except ImportError:  # pragma: no cover - exercised where xlwings is absent
    def _func(f: F | None = None, **_: Any) -> Any:
        return f if f is not None else (lambda g: g)

    def _arg(*_: Any, **__: Any) -> Callable[[F], F]:
        return lambda f: f

PREFIX = "KA2: "
CATEGORY = "KA2 (Erasmus+)"


#: The travel functions' arguments as their messages name them, in the language of the call.
_ARGUMENTS: dict[str, Callable[[], str]] = {"from": lambda: i18n.pgettext("trip", "from"),
                                            "to": lambda: i18n.pgettext("trip", "to")}


def _message(e: Exception) -> str:
    if isinstance(e, WorkbookInvalid):
        first = e.problems[0]
        more = f" (+{len(e.problems) - 1})" if len(e.problems) > 1 else ""
        return PREFIX + (f"{first.where.cell}: " if first.where.cell else "") + first.message + more
    if isinstance(e, Ka2Error):
        where = e.where
        if where.field in _ARGUMENTS and not (where.sheet or where.cell or where.line):
            # a travel function's from/to argument, named as its other messages name it ("od in do …")
            return PREFIX + _("field {name!r}").format(name=_ARGUMENTS[where.field]()) + ": " + e.message
        return PREFIX + e.short
    return PREFIX + _("internal error {name}: {error}").format(name=e.__class__.__name__, error=e)


def _empty(what: str) -> str:
    return {"call year": _("call year is empty"), "action": _("action is empty"), "country": _("country is empty"),
            "duration": _("duration is empty")}.get(what, _("{what} is empty").format(what=what))


def _language(value: Any) -> str | None:
    """The optional trailing ``lang`` argument: "sl", "CS", "de-AT", "sl_SI" → a catalog; empty → English."""
    if value is None or str(value).strip() == "":
        return None
    return i18n.check_lang(str(value).strip().replace("_", "-").split("-", 1)[0].lower())


def _cell_safe(fn: F) -> F:
    """Turn any exception into a short message in the cell (Excel shows tracebacks otherwise), in the language
    of the function's optional ``lang`` argument (default English)."""
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        lang = None
        if "lang" in signature.parameters:
            bound = signature.bind_partial(*args, **kwargs)
            try:
                lang = _language(bound.arguments.get("lang"))
            except Ka2Error as e:
                return _message(e)
        with i18n.use(lang):
            try:
                return fn(*args, **kwargs)
            except Exception as e:
                return _message(e)

    return wrapper  # type: ignore[return-value]


def _year(value: Any, what: str = "call year") -> int:
    """Excel passes numbers as float; text "2025" is fine too (the reader's rule, plus a word for empty cells)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InputError(_empty(what))
    return whole_number(value, what)


def _text(value: Any, what: str) -> str:
    if value is None or str(value).strip() == "":
        raise InputError(_empty(what))
    return str(value).strip()


def _rows(partners: Any) -> list[list[Any]]:
    if not isinstance(partners, list):
        raise InputError(_("partners must be the Partners table with its header row (a range, not one cell)"))
    return [list(r) if isinstance(r, (list, tuple)) else [r] for r in partners]


def _check(partners: Any, action: Any, call_year: Any) -> Any:
    year = _year(call_year)
    return check_consortium(_text(action, "action"), year, read_partner_rows(_rows(partners), call_year=year))


@_func(category=CATEGORY)
@_arg("partners", ndim=2, doc="The Partners table with its header row (Role, Organisation, Country, Type, …)")
@_arg("action", doc='Action code, e.g. "KA220-VET", "KA210-SCH", "AFI-LOT1"')
@_arg("call_year", doc="Call year, e.g. 2025")
@_arg("lang", doc='Language of messages: "en" (default), "sl", "cs", "de"')
@_cell_safe
def KA2_ELIGIBLE(partners: Any, action: Any, call_year: Any, lang: Any = None) -> Any:
    """TRUE when the consortium meets every criterion of the action in that call year."""
    return _check(partners, action, call_year).eligible


@_func(category=CATEGORY)
@_arg("partners", ndim=2, doc="The Partners table with its header row")
@_arg("action", doc='Action code, e.g. "KA220-VET"')
@_arg("call_year", doc="Call year, e.g. 2025")
@_arg("lang", doc='Language of the table and messages: "en" (default), "sl", "cs", "de"')
@_cell_safe
def KA2_CHECK(partners: Any, action: Any, call_year: Any, lang: Any = None) -> Any:
    """A table (criterion, required, actual, OK) that spills below the cell, in ``lang`` (default English)."""
    result = _check(partners, action, call_year)
    rows: list[list[Any]] = [[_("Criterion"), _("Required"), _("Actual"), _("OK")]]
    for c in result.criteria:
        actual = float(c.actual) if isinstance(c.actual, int) else c.actual
        rows.append([c.description, c.required, actual, c.ok])
    return rows


@_func(category=CATEGORY)
@_arg("country", doc='A country: ISO code or name in any language, e.g. "SI", "Česko"')
@_arg("call_year", doc="Call year (default: the latest year with country data)")
@_arg("lang", doc='Language of the status: "en" (default), "sl", "cs", "de"')
@_cell_safe
def KA2_COUNTRY(country: Any, call_year: Any = None, lang: Any = None) -> Any:
    """The country's status in that call year, e.g. "EU Member State", "third country not associated…"."""
    year = _year(call_year) if call_year not in (None, "") else covered_years().last
    return words.describe_status(country_status(_text(country, "country"), year))


@_func(category=CATEGORY)
@_arg("action", doc='Action code, e.g. "KA220-VET", "AFI-LOT1"')
@_arg("call_year", doc="Call year (default: the latest call with rules for the action)")
@_arg("duration", doc="Duration in months (for ceilings that depend on it)")
@_arg("lang", doc='Language of messages: "en" (default), "sl", "cs", "de"')
@_cell_safe
def KA2_GRANT(action: Any, call_year: Any = None, duration: Any = None, lang: Any = None) -> Any:
    """Allowed grant(s) in EUR: the lump sums (spilling right), or the ceiling for the duration."""
    ref = resolve_action(_text(action, "action"))
    year = _year(call_year) if call_year not in (None, "") else ref.action.calls[-1].last
    rules = rules_for(ref, year)
    if not rules.grants:
        return PREFIX + _("no grant amounts in the rules data for {action} in {year}").format(
            action=rules.ref.code, year=rules.call_year)
    g = rules.grants[0]
    months = _year(duration, "duration") if duration not in (None, "") else None
    if g.lump_sums:
        return [[float(v) for v in g.lump_sums]]
    if g.max_by_duration:
        if months is None:
            return [[float(v) for v in g.max_by_duration.values()]]
        if months not in g.max_by_duration:
            return PREFIX + _("duration must be one of {options} months").format(
                options=", ".join(map(str, g.max_by_duration)))
        return float(g.max_by_duration[months])
    if g.per_month and months:
        return float(min(Decimal(g.per_month) * months, Decimal(g.max or 10**12)))
    if g.min is not None and g.max is not None:
        return [[float(g.min), float(g.max)]]
    return float(g.max) if g.max is not None else PREFIX + _("no fixed ceiling in the rules data")


# ───────────────────────────── travel: whole columns in one call ─────────────────────────────


def _grid(value: Any) -> tuple[list[list[Any]], str]:
    """Any shape Excel passes → rows of cells, and how to give the answer back (scalar, 1-D, 2-D)."""
    if isinstance(value, list):
        if value and all(isinstance(r, list) for r in value):
            return value, "2d"
        return [[v] for v in value], "1d"
    return [[value]], "scalar"


def _ungrid(rows: list[list[Any]], kind: str) -> Any:
    if kind == "scalar":
        return rows[0][0]
    if kind == "1d":
        return [r[0] for r in rows]
    return rows


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _flag(value: Any) -> bool:
    if _blank(value):
        return False
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1", "green", "ja", "da", "ano")
    return bool(value)


def _place_text(v: Any) -> str:
    return str(v).strip()


def _travel_grid(from_places: Any, to_places: Any, call_year: Any, green: Any, pick: Callable[[Any], Any]) -> Any:
    """Resolve every (from, to) pair of two equally shaped ranges with one travel_many call.

    A single cell on either side is paired with every cell of the other (a home town against a column of
    destinations). Blank pairs stay blank; a pair that fails shows its own message, the others still compute.
    """
    from ka2forms.services.travel import travel_many

    a, kind_a = _grid(from_places)
    b, kind_b = _grid(to_places)
    single_a, single_b = len(a) == 1 and len(a[0]) == 1, len(b) == 1 and len(b[0]) == 1  # xlwings: [[v]]
    if single_a and not single_b:
        a, kind = [[a[0][0]] * len(row) for row in b], kind_b
    elif single_b and not single_a:
        b, kind = [[b[0][0]] * len(row) for row in a], kind_a
    else:
        kind = kind_a
    if [len(r) for r in a] != [len(r) for r in b]:
        return PREFIX + _("from and to must have the same shape ({a} vs {b}), or one of them a single cell").format(
            a=f"{len(a)}×{len(a[0]) if a else 0}", b=f"{len(b)}×{len(b[0]) if b else 0}")
    year = _year(call_year) if not _blank(call_year) else None
    cells = [(i, j) for i, row in enumerate(a) for j in range(len(row))
             if not (_blank(a[i][j]) or _blank(b[i][j]))]
    results = travel_many([(_place_text(a[i][j]), _place_text(b[i][j])) for i, j in cells],
                          call_year=year, green=_flag(green))
    out: list[list[Any]] = [[None] * len(row) for row in a]
    for (i, j), r in zip(cells, results, strict=True):
        out[i][j] = _message(r) if isinstance(r, Exception) else pick(r)
    return _ungrid(out, kind)


def _eur(r: Any) -> float:
    return float(r.unit_cost_eur) if r.unit_cost_eur is not None else 0.0


@_func(category=CATEGORY)
@_arg("from_place", ndim=2, doc='Where the trip starts: a town ("Ljubljana", "Brno, CZ") or a column of them')
@_arg("to_place", ndim=2, doc="Where it goes (the venue): a town or a column of the same size")
@_arg("call_year", doc="Call year (default: the latest year with travel rules)")
@_arg("green", doc="TRUE for green travel (train, bus, car-sharing)")
@_arg("lang", doc='Language of messages: "en" (default), "sl", "cs", "de"')
@_cell_safe
def KA2_TRAVEL(from_place: Any, to_place: Any, call_year: Any = None, green: Any = None, lang: Any = None) -> Any:
    """Travel unit cost in EUR per participant (return trip) for the one-way distance band; 0 below 10 km."""
    return _travel_grid(from_place, to_place, call_year, green, _eur)


@_func(category=CATEGORY)
@_arg("from_place", ndim=2, doc="A town or a column of towns")
@_arg("to_place", ndim=2, doc="A town or a column of the same size")
@_arg("lang", doc='Language of messages: "en" (default), "sl", "cs", "de"')
@_cell_safe
def KA2_DISTANCE(from_place: Any, to_place: Any, lang: Any = None) -> Any:
    """One-way great-circle distance in km, as the Commission's distance calculator measures it."""
    return _travel_grid(from_place, to_place, None, None, lambda r: round(r.distance_km, 2))


@_func(category=CATEGORY)
@_arg("from_place", ndim=2, doc="A town or a column of towns")
@_arg("to_place", ndim=2, doc="A town or a column of the same size")
@_arg("call_year", doc="Call year (default: the latest year with travel rules)")
@_arg("lang", doc='Language of messages: "en" (default), "sl", "cs", "de"')
@_cell_safe
def KA2_BAND(from_place: Any, to_place: Any, call_year: Any = None, lang: Any = None) -> Any:
    """The distance band, e.g. "100-499" (km, one way), that sets the travel unit cost."""
    return _travel_grid(from_place, to_place, call_year, None, lambda r: r.band)


# ───────────────────────────── budget planning ─────────────────────────────


def _plan_project(action: Any, call_year: Any, partners: Any, **extra: Any) -> Any:
    from ka2forms.model import Project

    people = tuple(read_partner_rows(_rows(partners), call_year=_year(call_year))) if not _blank_range(partners) \
        else ()
    code = "" if _blank(action) else _text(action, "action")
    return Project(action=code, call_year=_year(call_year), partners=people, **extra)


def _blank_range(value: Any) -> bool:
    return value is None or (isinstance(value, list) and all(_blank(v) for r in value
                                                             for v in (r if isinstance(r, list) else [r])))


@_func(category=CATEGORY)
@_arg("plan", ndim=2, doc="The Travel plan table with its header row (Activity, Organisation, From, To, "
                          "Participants, Green[, Kind])")
@_arg("call_year", doc="Call year, e.g. 2025")
@_arg("partners", ndim=2, doc="The Partners table (for rows without From: the organisation's City)")
@_arg("action", doc='Action code (2014–2020 Strategic Partnerships: meetings use the meeting rates), e.g. "KA202"')
@_arg("lang", doc='Language of the total label and messages: "en" (default), "sl", "cs", "de"')
@_cell_safe
def KA2_TRAVEL_PLAN(plan: Any, call_year: Any, partners: Any = None, action: Any = None, lang: Any = None) -> Any:
    """The EUR total of every row of the travel plan (unit cost × participants), spilling down beside it."""
    from ka2forms.readers.plan import travel_plan_from_rows
    from ka2forms.services.budget import plan_travel

    rows = _rows(plan)
    trips = travel_plan_from_rows(rows)
    project = _plan_project(action, call_year, partners, travel_plan=trips)
    out: list[list[Any]] = [[None] for _ in rows]
    for trip, priced in zip(trips, plan_travel(project).rows, strict=True):
        r = int("".join(ch for ch in (trip.where.cell if trip.where else "") if ch.isdigit()) or 0) - 1
        if 0 <= r < len(out):
            out[r][0] = PREFIX + priced.error if priced.error else float(priced.total_eur)
    first = next((i for i, row in enumerate(rows) if any(not _blank(v) for v in row)), 0)
    out[first][0] = _("Total (EUR)")
    return out


@_func(category=CATEGORY)
@_arg("budget", ndim=2, doc="The Budget table with its header row (Work package, then one column per "
                            "organisation; or Work package, Organisation, Amount)")
@_arg("action", doc='Action code, e.g. "KA220-VET"')
@_arg("call_year", doc="Call year, e.g. 2025")
@_arg("requested_grant", doc="The requested grant / lump sum in EUR (optional)")
@_arg("partners", ndim=2, doc="The Partners table (optional: every full partner should have a share)")
@_arg("duration", doc="Duration in months (optional: 2014–2020 management per month)")
@_arg("lang", doc='Language of the table and messages: "en" (default), "sl", "cs", "de"')
@_cell_safe
def KA2_BUDGET_CHECK(budget: Any, action: Any, call_year: Any, requested_grant: Any = None, partners: Any = None,
                     duration: Any = None, lang: Any = None) -> Any:
    """A table (check, required, actual, OK) of the budget against the action's rules, with its total."""
    from ka2forms.readers.cells import money
    from ka2forms.readers.plan import budget_from_rows
    from ka2forms.services.budget import check_budget

    lines = budget_from_rows(_rows(budget))
    grant = money(requested_grant) if not _blank(requested_grant) else None
    months = _year(duration, "duration") if not _blank(duration) else None
    _text(action, "action")
    project = _plan_project(action, call_year, partners, budget=lines, requested_grant=grant,
                            duration_months=months)
    result = check_budget(project)
    rows: list[list[Any]] = [[_("Check"), _("Required"), _("Actual"), _("OK")]]
    rows += [[c.description, c.required, c.actual, c.ok] for c in result.checks]
    rows.append([_("Total (EUR)"), None, float(result.total_eur), result.ok])
    return rows


@_func(category=CATEGORY)
@_cell_safe
def KA2_VERSION() -> str:
    """The ka2forms version and the edition of its rules data (quote it when asking for support)."""
    return f"ka2forms {__version__}, rules {rules_edition()}"


__all__ = ["KA2_BAND", "KA2_BUDGET_CHECK", "KA2_CHECK", "KA2_COUNTRY", "KA2_DISTANCE", "KA2_ELIGIBLE", "KA2_GRANT",
           "KA2_TRAVEL", "KA2_TRAVEL_PLAN", "KA2_VERSION"]
