"""Budget planning: the workbook's Travel plan priced by the call year's unit costs, and its Budget sheet
checked by the rules (lump sums, project-management share, work packages, 2014–2020 unit costs).

``eligible`` keeps its meaning (the consortium and the action's criteria); a budget that fails a check is its
own verdict, ``budget_ok``. In 2021–2027 lump-sum actions (KA220, KA210, Alliances, CoVE…) travel is part of
the lump sum: the travel plan is a planning aid there, and the report says so.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from ka2forms.errors import Ka2Error, Location
from ka2forms.i18n import _, money, percent
from ka2forms.model import BudgetLine, Partner, Project, TravelRow
from ka2forms.rules import Role, resolve_action, rules_for, words
from ka2forms.rules.budget import budget_rules
from ka2forms.rules.provenance import Provenance
from ka2forms.services.check import grant_criterion
from ka2forms.services.travel import TravelRequest, TravelResult, travel_many
from ka2forms.text import fold

LUMP_SUM_PERIOD_FROM = 2021   # from call 2021 KA2 partnerships are funded by lump sums that include travel
SP_ACTIONS = ("SP", "KA219", "KA229")  # 2014–2020 Strategic Partnerships: unit costs, meetings by distance


@dataclass(frozen=True)
class PlannedTrip:
    """One priced row of the travel plan."""

    activity: str
    organisation: str
    from_place: str
    to_place: str
    participants: int
    green: bool
    kind: str                      # travel | meeting
    distance_km: float | None
    band: str | None
    unit_cost_eur: int | None
    total_eur: int
    cell: str | None
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    error: str | None = None
    resolved: dict[str, Any] | None = None   # how each place was found (travel --json's "resolved")

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["notes"], d["warnings"] = list(self.notes), list(self.warnings)
        d["distance_km"] = None if self.distance_km is None else round(self.distance_km, 1)
        return d


@dataclass(frozen=True)
class TravelPlan:
    rows: tuple[PlannedTrip, ...]
    total_eur: int
    per_organisation: dict[str, int]
    notes: tuple[str, ...] = ()

    @property
    def errors(self) -> tuple[PlannedTrip, ...]:
        return tuple(r for r in self.rows if r.error)

    def as_dict(self) -> dict[str, Any]:
        return {"rows": [r.as_dict() for r in self.rows], "total_eur": self.total_eur,
                "per_organisation": dict(self.per_organisation), "notes": list(self.notes)}


@dataclass(frozen=True)
class BudgetCheck:
    id: str
    description: str
    required: str
    actual: str
    ok: bool
    source: str
    confidence: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class BudgetResult:
    total_eur: Decimal
    per_work_package: dict[str, Decimal]
    per_organisation: dict[str, Decimal]
    checks: tuple[BudgetCheck, ...]
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def as_dict(self) -> dict[str, Any]:
        return {"total_eur": _num(self.total_eur),
                "per_work_package": {k: _num(v) for k, v in self.per_work_package.items()},
                "per_organisation": {k: _num(v) for k, v in self.per_organisation.items()},
                "checks": [c.as_dict() for c in self.checks], "ok": self.ok,
                "warnings": list(self.warnings), "notes": list(self.notes)}


def _num(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(d)


def _eur(amount: Decimal | int) -> str:
    """Money in the one format of the current language (ka2forms.i18n), as the check and the annex show it."""
    return money(amount)


def _check(id_: str, description: str, required: str, actual: str, ok: bool, prov: Provenance) -> BudgetCheck:
    return BudgetCheck(id_, description, required, actual, ok, prov.source.where, prov.confidence.value)


# ───────────────────────────────────────── travel plan ─────────────────────────────────────────


def _partner(partners: tuple[Partner, ...], name: str) -> Partner | None:
    key = fold(name)
    return next((p for p in partners if fold(p.organisation) == key), None)


def _origin(row: TravelRow, partners: tuple[Partner, ...]) -> tuple[str | None, str | None, Location | None]:
    """Where a row's group travels from: its From cell, else its organisation's City; with the organisation's
    country, whose places come first (a town name shared by several countries resolves in the organisation's
    own), and the City cell when the place is the organisation's City (its doubts name that cell)."""
    p = _partner(partners, row.organisation)
    country = p.country if p is not None else None
    if row.from_place:
        return row.from_place, country, None
    if p is None or not p.city:
        return None, country, None
    return p.city, country, p.city_where


def _at(where: Location | None, texts: tuple[str, ...]) -> tuple[str, ...]:
    """The organisation's City doubts, prefixed with the City cell they are about."""
    if where is None:
        return texts
    cell = f"{where.sheet}!{where.cell}" if where.sheet else str(where.cell)
    return tuple(t.replace("from: ", f"from ({cell}): ", 1) if t.startswith("from: ") else t for t in texts)


def plan_travel(project: Project, travel_plan: tuple[TravelRow, ...] | None = None) -> TravelPlan:
    """Price every row of the travel plan: distance, band and unit cost of the call year × participants."""
    rows = project.travel_plan if travel_plan is None else travel_plan
    rows = rows or ()
    year = project.call_year
    sp = bool(project.action) and resolve_action(project.action).action.key in SP_ACTIONS
    notes: list[str] = []
    if year >= LUMP_SUM_PERIOD_FROM:
        notes.append(_("call {year}: KA2 partnerships are funded by lump sums that include travel; these unit "
                       "costs are a planning aid (and the amounts of KA1-style travel), not a separate grant").format(
            year=year))
    kinds = ["meeting" if (sp and r.kind == "meeting") else "travel" for r in rows]
    found = [_origin(r, project.partners) for r in rows]
    origins = [f[0] for f in found]
    results: dict[int, TravelResult | Ka2Error] = {}
    for kind, activity in (("travel", None), ("meeting", "tpm")):
        idx = [i for i, k in enumerate(kinds) if k == kind and origins[i]]
        if not idx:
            continue
        got = travel_many([TravelRequest(origins[i] or "", rows[i].to_place, year, rows[i].green,
                                         from_country=found[i][1]) for i in idx], activity=activity)
        results.update(zip(idx, got, strict=True))
    out: list[PlannedTrip] = []
    per_org: dict[str, int] = defaultdict(int)
    for i, r in enumerate(rows):
        cell = str(r.where) if r.where else None
        res = results.get(i)
        base = dict(activity=r.activity, organisation=r.organisation, from_place=origins[i] or "",
                    to_place=r.to_place, participants=r.participants, green=r.green, kind=kinds[i], cell=cell)
        if res is None:
            out.append(PlannedTrip(**base, distance_km=None, band=None, unit_cost_eur=None, total_eur=0,
                                   error=_("no place to travel from: give From, or the organisation's City "
                                           "in Partners")))
            continue
        if isinstance(res, Ka2Error):
            side_from = res.where is not None and res.where.field == "from"
            out.append(PlannedTrip(**base, distance_km=None, band=None, unit_cost_eur=None, total_eur=0,
                                   error=_at(found[i][2], (f"from: {res.message}",))[0] if side_from
                                   and found[i][2] is not None else res.message))
            continue
        total = (res.unit_cost_eur or 0) * r.participants
        per_org[r.organisation] += total
        out.append(PlannedTrip(**base, distance_km=res.distance_km, band=res.band, unit_cost_eur=res.unit_cost_eur,
                               total_eur=total, notes=_at(found[i][2], res.notes),
                               warnings=_at(found[i][2], res.warnings),
                               resolved={"from": res.from_match.to_dict(), "to": res.to_match.to_dict()}
                               if res.from_match and res.to_match else None))
    return TravelPlan(tuple(out), sum(per_org.values()), dict(per_org), tuple(notes))


# ──────────────────────────────────────────── budget ────────────────────────────────────────────


def check_budget(project: Project, lines: tuple[BudgetLine, ...] | None = None) -> BudgetResult:
    """Totals per work package and organisation, and every budget rule of the action and call year."""
    lines = project.budget if lines is None else lines
    lines = lines or ()
    rules = rules_for(project.action, project.call_year)
    brules = budget_rules(rules.action.key, project.call_year)
    per_wp: dict[str, Decimal] = {}
    per_org: dict[str, Decimal] = {}
    for line in lines:
        per_wp[line.work_package] = per_wp.get(line.work_package, Decimal(0)) + line.amount
        per_org[line.organisation] = per_org.get(line.organisation, Decimal(0)) + line.amount
    total = sum(per_wp.values(), Decimal(0))
    checks: list[BudgetCheck] = []
    warnings: list[str] = []
    notes: list[str] = []

    grant_rule = rules.grants[0] if rules.grants else None
    if project.requested_grant is not None and grant_rule is not None:
        checks.append(_check("total-equals-grant", _("The budget adds up to the requested grant"),
                             _eur(project.requested_grant), _eur(total), total == project.requested_grant,
                             grant_rule.provenance))
    crit = grant_criterion(project.action, project.call_year, project.partners, total, project.duration_months)
    if crit is not None:
        checks.append(BudgetCheck("total-fits-grant-rule", _("The budget total is one of the action's lump sums "
                                                             "or within its ceiling"), crit.required,
                                  crit.actual if isinstance(crit.actual, str)
                                  else str(crit.actual), crit.ok, crit.source, crit.confidence))

    management = next(iter(per_wp), None)   # the first work package is project management (docs/workbook.md)
    if brules.management_share is not None and management is not None:
        base = project.requested_grant if project.requested_grant is not None else total
        cap = (base * brules.management_share.value).quantize(Decimal("0.01"))
        checks.append(_check("management-share", _("Project management ({wp}) is at most {share} of the lump "
                                                   "sum").format(wp=management, share=percent(
                                                       brules.management_share.value)),
                             f"≤ {_eur(cap)}", _eur(per_wp[management]), per_wp[management] <= cap,
                             brules.management_share.provenance))
    if brules.work_packages is not None:
        wp = brules.work_packages
        others = max(len(per_wp) - 1, 0)
        checks.append(_check("work-packages", _("Work packages besides project management"),
                             f"{wp.min_besides_management}–{wp.max_besides_management}", str(others),
                             wp.min_besides_management <= others <= wp.max_besides_management, wp.provenance))
    if brules.management_per_month is not None and management is not None:
        m = brules.management_per_month
        counted = [p for p in project.partners if p.counts_as_beneficiary]
        partners_n = sum(1 for p in counted if p.role is Role.PARTNER)
        monthly = min(m.coordinator + m.partner * partners_n, m.max)
        if project.duration_months:
            cap = Decimal(monthly * project.duration_months)
            checks.append(_check("management-per-month", _(
                "Project management and implementation: {coordinator} a month for the coordinator, {partner} for "
                "each partner, at most {max} a month").format(coordinator=_eur(m.coordinator),
                                                              partner=_eur(m.partner), max=_eur(m.max)),
                                 f"≤ {_eur(cap)} ({_eur(monthly)} × "
                                 f"{words.months(project.duration_months)})",
                                 _eur(per_wp[management]), per_wp[management] <= cap, m.provenance))
        else:
            warnings.append(_("project management per month not checked: the Project sheet gives no duration"))
    if not brules.any:
        notes.append(_("no budget rules beyond the grant for {action} in call {year} (project-management share, "
                       "work packages) in our data").format(action=rules.action.key, year=project.call_year))

    for p in project.partners:
        if p.counts_as_beneficiary and per_org.get(p.organisation, Decimal(0)) == 0 and \
                not any(fold(o) == fold(p.organisation) and v > 0 for o, v in per_org.items()):
            where = f" ({p.where})" if p.where else ""
            warnings.append(_("{organisation}{where} ({role}) has no share of the budget").format(
                organisation=p.organisation, where=where, role=words.role_label(p.role.value)))
    for c in checks:
        if c.confidence not in ("seed", "official"):
            warnings.append(_("budget check {id} rests on a {confidence} value ({source}); verify it in the "
                              "Programme Guide {year}").format(id=c.id, confidence=words.confidence_label(c.confidence),
                                                               source=c.source,
                                                               year=project.call_year))
    return BudgetResult(total, per_wp, per_org, tuple(checks), tuple(dict.fromkeys(warnings)), tuple(notes))


def budget_report(project: Project) -> dict[str, Any]:
    """The ``travel_plan`` / ``budget`` / ``budget_ok`` keys of ``check --json`` for the sheets that exist."""
    out: dict[str, Any] = {}
    if project.travel_plan is not None:
        out["travel_plan"] = plan_travel(project).as_dict()
    if project.budget is not None:
        result = check_budget(project)
        out["budget"] = result.as_dict()
        out["budget_ok"] = result.ok
    return out


__all__ = [
    "BudgetCheck",
    "BudgetResult",
    "PlannedTrip",
    "TravelPlan",
    "budget_report",
    "check_budget",
    "plan_travel",
]
