"""Eligibility: does this consortium meet the rules of this action in this call year?

The rules data says *which* criteria apply and with which values; this module knows how to evaluate each
*kind* of criterion (count organisations, count countries, count types, …). A new call year or a changed
minimum is a data change; a new kind of rule is a new function here plus its tests.

Every result says what was required, what the consortium has, where the rule comes from and, when it
fails, what to do about it. A verdict that rests on an unconfirmed or third-party value carries a warning.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from ka2forms.errors import Ka2Error, Location, Problem
from ka2forms.model import Partner, Project
from ka2forms.rules import (
    ActionRules,
    CountryStatus,
    Criterion,
    Provenance,
    Role,
    code_status,
    eligible_phrase,
    org_class,
    rules_for,
    type_label,
)
from ka2forms.rules.countries import status_label
from ka2forms.rules.programme import notices_for


@dataclass(frozen=True)
class CriterionResult:
    """The outcome of one criterion, in words a coordinator understands."""

    id: str
    description: str
    required: str
    actual: int | str
    ok: bool
    hint: str | None
    source: str
    confidence: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class CheckResult:
    """A verdict for one consortium: eligible when every criterion is met."""

    eligible: bool
    action: str
    action_name: str
    call_year: int
    criteria: tuple[CriterionResult, ...]
    warnings: tuple[str, ...]
    counted: str = ""
    file: str | None = None
    title: str | None = None
    acronym: str | None = None
    reading: tuple[Problem, ...] = ()  # the reader's warnings, each with its sheet and cell (also in warnings)

    @property
    def failing(self) -> tuple[CriterionResult, ...]:
        return tuple(c for c in self.criteria if not c.ok)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape promised by ``ka2forms check --json``."""
        return {
            "eligible": self.eligible,
            "action": self.action,
            "action_name": self.action_name,
            "call_year": self.call_year,
            "counted": self.counted,
            "file": self.file,
            "title": self.title,
            "acronym": self.acronym,
            "criteria": [c.as_dict() for c in self.criteria],
            "failing": [c.id for c in self.failing],
            "warnings": list(self.warnings),
            "reading": [{"sheet": w.where.sheet, "cell": w.where.cell, "message": w.message} for w in self.reading],
        }


@dataclass
class _Context:
    rules: ActionRules
    partners: Sequence[Partner]
    warnings: list[str] = field(default_factory=list)
    undecided: set[str] = field(default_factory=set)  # criteria whose own source did not decide this verdict

    @property
    def year(self) -> int:
        return self.rules.call_year

    @property
    def counted(self) -> list[Partner]:
        return [p for p in self.partners if p.role in self.rules.counted_roles]

    def status(self, p: Partner) -> CountryStatus:
        return code_status(p.country, self.year)

    def excluded(self, p: Partner) -> bool:
        """Whether the partner is excluded. Where the call excluded only some organisations of a country
        (Russia 2022: public bodies and state-controlled organisations) and the workbook's type cannot tell,
        the partner is not treated as excluded but a warning says what to verify."""
        st = self.status(p)
        verdict = st.excludes(p.org_type)
        if verdict is None:
            prov = st.provenance
            self.warnings.append(
                f"{p.organisation} ({st.name}): call {self.year} excludes some organisations of {st.name} "
                f"({st.note or 'see the source'}); the workbook cannot tell whether this {type_label(p.org_type)} "
                f"is one of them — verify before applying"
                + (f" ({prov.describe()})" if prov else ""))
        return bool(verdict)

    def roles_phrase(self) -> str:
        roles = self.rules.counted_roles
        if set(roles) == {Role.COORDINATOR, Role.PARTNER}:
            return "full partners"
        return " or ".join(r.label.lower() for r in roles)

    def counted_phrase(self) -> str:
        """"Counted: 9 of 12 organisations (coordinator and partners; 2 associated partners not counted)"."""
        counted = self.counted
        left = [p for p in self.partners if p not in counted]
        roles = " and ".join(r.label.lower() + ("s" if r is Role.PARTNER else "") for r in self.rules.counted_roles)
        text = f"{len(counted)} of {_plural(len(self.partners), 'organisation')} counted ({roles}"
        by_role: dict[str, int] = {}
        for p in left:
            by_role[p.role.label.lower()] = by_role.get(p.role.label.lower(), 0) + 1
        if by_role:
            text += "; not counted: " + ", ".join(_plural(n, r) for r, n in by_role.items())
        return text + ")"

    def statuses_phrase(self, statuses: Sequence[str], *, one: bool = False) -> str:
        if tuple(statuses) == ("member", "associated"):
            return eligible_phrase(self.year, one=one)
        labels = [status_label(s, self.year) for s in statuses]
        text = " or ".join(labels)
        return text if one else text.replace("State", "States").replace("country", "countries").replace(
            "Country", "Countries")


def _names(partners: Iterable[Partner], limit: int = 3) -> str:
    ps = list(partners)
    text = ", ".join(f"{p.organisation} ({p.country})" for p in ps[:limit])
    return text + (f" and {len(ps) - limit} more" if len(ps) > limit else "")


def _noun(label: str, n: int) -> str:
    """"VET provider" → "VET providers" for n ≠ 1; "Higher education institution" → "higher education …"."""
    if label[:2].istitle():
        label = label[0].lower() + label[1:]
    if n == 1:
        return label
    head, sep, tail = label.partition(" (")
    return head + ("s" if not head.endswith("s") else "") + sep + tail


def _types_phrase(c: Criterion, n: int = 2) -> str:
    """What a criterion counts, in words, for a count of n: "labour-market actors", "VET provider"."""
    if c.org_class:
        plural = org_class(c.org_class).label
        return plural if n != 1 else plural.rstrip("s")
    return " or ".join(_noun(type_label(t), n) for t in c.types)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# ───────────────────────────────────── criterion kinds ─────────────────────────────────────
# Each returns (description, required, actual, ok, hint).

_Outcome = tuple[str, str, Any, bool, str | None]


def _organisations(c: Criterion, ctx: _Context) -> _Outcome:
    n = len(ctx.counted)
    desc = f"At least {c.min} {ctx.roles_phrase()}" + (f", at most {c.max}" if c.max else "")
    required = f"≥ {c.min}" + (f" and ≤ {c.max}" if c.max else "")
    ok = n >= (c.min or 0) and (c.max is None or n <= c.max)
    hint = None
    if n < (c.min or 0):
        hint = f"add {_plural(c.min - n, 'more organisation')} as partner (associated partners do not count)"
    elif c.max is not None and n > c.max:
        hint = f"remove {n - c.max} organisation{'s' if n - c.max > 1 else ''}: at most {c.max} are allowed"
    return desc, required, n, ok, hint


def _countries(c: Criterion, ctx: _Context) -> _Outcome:
    types = c.counted_types()
    countries = {p.country for p in ctx.counted
                 if ctx.status(p).status in c.statuses and not ctx.excluded(p) and (not types or p.org_type in types)}
    n = len(countries)
    where = ctx.statuses_phrase(c.statuses)
    desc = f"From at least {c.min} different {where}"
    if types:
        desc += f", counting {_types_phrase(c)} only"
    hint = None
    if n < c.min:
        missing = c.min - n
        one = ctx.statuses_phrase(c.statuses, one=True)
        hint = (f"add {_plural(missing, 'partner')} from another {one}" if missing == 1
                else f"add partners from {missing} more {where}")
        hint += f" (now: {', '.join(sorted(countries)) or 'none'})"
    return desc, f"≥ {c.min}", n, n >= c.min, hint


def _type_count(c: Criterion, ctx: _Context) -> _Outcome:
    types = c.counted_types()
    matching = [p for p in ctx.counted if p.org_type in types]
    if c.org_class:
        members = org_class(c.org_class).members
        for t in sorted({p.org_type for p in matching}):
            if not members[t].confirmed:
                ctx.warnings.append(f"{c.id}: counting {type_label(t)} as {org_class(c.org_class).label} is "
                                    f"{members[t].confidence.value} ({members[t].source.where})")
    n = len(matching)
    desc = f"At least {c.min} {_types_phrase(c, c.min)}"
    missing = (c.min or 0) - n
    hint = (f"add {missing} {_types_phrase(c, missing)} as full partner{'s' if missing > 1 else ''}"
            if missing > 0 else None)
    return desc, f"≥ {c.min}", n, n >= c.min, hint


def _only_types(c: Criterion, ctx: _Context) -> _Outcome:
    types = c.counted_types()
    others = [p for p in ctx.counted if p.org_type not in types]
    what = _types_phrase(c)
    desc = f"Only {what} may take part"
    hint = f"replace or remove {_names(others)}" if others else None
    actual = "all" if not others else f"{len(others)} of {len(ctx.counted)} are not {what}"
    return desc, f"all {what}", actual, not others, hint


def _all_from(c: Criterion, ctx: _Context) -> _Outcome:
    outside = [p for p in ctx.counted if ctx.status(p).status not in c.statuses or ctx.excluded(p)]
    where = ctx.statuses_phrase(c.statuses)
    desc = f"Every organisation from {where}"
    actual = "all" if not outside else f"{len(outside)} from elsewhere"
    hint = f"replace {_names(outside)}" if outside else None
    return desc, f"all from {where}", actual, not outside, hint


def _coordinator(c: Criterion, ctx: _Context) -> _Outcome:
    coordinators = [p for p in ctx.partners if p.role is Role.COORDINATOR]
    where = ctx.statuses_phrase(c.statuses, one=True)
    anywhere = set(c.statuses) == {"member", "associated", "not-associated"}
    desc = "Exactly one coordinator" if anywhere else f"Exactly one coordinator, from an {where}"
    if c.types:
        desc += f", being a {_types_phrase(c, 1)}"
    if c.regions:
        desc += (", from a non-associated country only in Region" + ("s " if len(c.regions) > 1 else " ")
                 + ", ".join(map(str, c.regions)))
    required = "1"
    if len(coordinators) != 1:
        hint = ("mark one organisation's Role as Coordinator" if not coordinators
                else f"only one Coordinator is allowed; now {_names(coordinators)}")
        return desc, required, len(coordinators), False, hint
    co = coordinators[0]
    st = ctx.status(co)
    problems = []
    if st.status not in c.statuses or ctx.excluded(co):
        problems.append(f"{st.name} is a {st.describe()}")
    if c.types and co.org_type not in c.types:
        problems.append(f"{type_label(co.org_type)} may not coordinate")
    if c.regions and st.status == "not-associated" and st.region not in c.regions:
        where_from = f"Region {st.region}" if st.region else "a region we do not know"
        problems.append(f"{st.name} ({where_from}) may not coordinate: non-associated coordinators only from "
                        + ("Regions " if len(c.regions) > 1 else "Region ") + ", ".join(map(str, c.regions)))
    if co.country in c.not_countries:
        problems.append(f"organisations from {st.name} may take part only as partners")
    actual = f"{co.organisation} ({co.country})"
    lead = "choose another coordinator" if anywhere else "choose a coordinator from an " + where
    hint = (lead + "; " + "; ".join(problems)) if problems else None
    return desc, required, actual, not problems, hint


def _excluded_countries(c: Criterion, ctx: _Context) -> _Outcome:
    excluded = [p for p in ctx.partners if ctx.excluded(p)]
    if not any(ctx.status(p).excluded or ctx.status(p).excluded_types for p in ctx.partners):
        # No partner is from a country with an exclusion that year: no exclusion value decided the verdict,
        # so its source's confidence is not a warning (a partner's country status warns on its own).
        ctx.undecided.add(c.id)
    desc = f"No organisation that call {ctx.year} excludes (countries or kinds of organisation)"
    hint = f"remove {_names(excluded)}" if excluded else None
    return desc, "none", len(excluded), not excluded, hint


def _per_country_type(c: Criterion, ctx: _Context) -> _Outcome:
    types = c.counted_types()
    by_country: dict[str, int] = {}
    for p in ctx.counted:
        if ctx.status(p).status in c.statuses:
            by_country.setdefault(p.country, 0)
            if p.org_type in types:
                by_country[p.country] += 1
    short = sorted(k for k, v in by_country.items() if v < c.min)
    what = _types_phrase(c, c.min or 1)
    where = ctx.statuses_phrase(c.statuses, one=True)
    desc = f"In each {where} of the consortium, at least {c.min} {what}"
    actual = "every country" if not short else f"missing in {', '.join(short)}"
    hint = f"add {what} in {', '.join(short)}" if short else None
    return desc, f"≥ {c.min} per country", actual, not short, hint


def _identifier(c: Criterion, ctx: _Context) -> _Outcome:
    attr = c.identifier.lower() if c.identifier else "pic"
    missing = [p for p in ctx.counted if not getattr(p, attr)]
    label = {"pic": "a PIC (Funding & Tenders Portal)", "oid": "an OID (Organisation Registration System)"}[attr]
    desc = f"Every {ctx.roles_phrase()[:-1]} has {label}"
    actual = "all" if not missing else f"{len(missing)} without"
    hint = f"register and fill in the {c.identifier} of {_names(missing)}" if missing else None
    return desc, "all", actual, not missing, hint


def _status_count(c: Criterion, ctx: _Context) -> _Outcome:
    """At least ``min`` counted organisations (not countries) from countries with ``statuses``."""
    matching = [p for p in ctx.counted if ctx.status(p).status in c.statuses and not ctx.excluded(p)]
    n = len(matching)
    where = ctx.statuses_phrase(c.statuses)
    desc = f"At least {_plural(c.min, 'organisation')} from {where}"
    missing = (c.min or 0) - n
    hint = (f"add {_plural(missing, 'more organisation')} from {where} as full partner"
            f"{'s' if missing > 1 else ''}") if missing > 0 else None
    return desc, f"≥ {c.min}", n, n >= c.min, hint


def _balance(c: Criterion, ctx: _Context) -> _Outcome:
    """Capacity building: organisations from ``statuses`` at least as many as those from ``than``."""
    mine = [p for p in ctx.counted if ctx.status(p).status in c.statuses and not ctx.excluded(p)]
    theirs = [p for p in ctx.counted if ctx.status(p).status in c.than]
    side, other = ctx.statuses_phrase(c.statuses), ctx.statuses_phrase(c.than)
    desc = f"At least as many organisations from {side} as from {other}"
    ok = len(mine) >= len(theirs)
    hint = None if ok else (f"add {_plural(len(theirs) - len(mine), 'organisation')} from {side} or remove "
                            f"{len(theirs) - len(mine)} from {other}")
    return desc, f"≥ {len(theirs)}", len(mine), ok, hint


def _regions(c: Criterion, ctx: _Context) -> _Outcome:
    """Organisations from countries with ``statuses`` come only from the listed regions (and, with
    ``one_region``, all from the same one). A country whose region the data does not know fails."""
    tcna = [p for p in ctx.counted if ctx.status(p).status in c.statuses]
    allowed = ("Regions " if len(c.regions) > 1 else "Region ") + ", ".join(str(r) for r in c.regions)
    desc = f"Organisations from {ctx.statuses_phrase(c.statuses)} only from {allowed}"
    if c.one_region:
        desc += ", all from the same region"
    unknown = [p for p in tcna if ctx.status(p).region is None]
    outside = [p for p in tcna if ctx.status(p).region is not None and ctx.status(p).region not in c.regions]
    found = sorted({ctx.status(p).region for p in tcna if ctx.status(p).region is not None})
    for p in tcna:
        prov = ctx.status(p).provenance
        if prov is not None and prov.confidence.value not in ("seed", "official"):
            ctx.warnings.append(f"{c.id}: the region of {ctx.status(p).name} rests on a {prov.confidence.value} "
                                f"value ({prov.source.where})")
    problems = []
    if unknown:
        problems.append(f"region unknown for {_names(unknown)}: check the country's region in the Programme Guide")
    if outside:
        problems.append(f"replace {_names(outside)} (not in {allowed})")
    if c.one_region and len(found) > 1:
        problems.append("keep the non-associated partners in one region (now Regions "
                        + ", ".join(str(r) for r in found) + ")")
    actual = ("none" if not tcna else "Region" + ("s " if len(found) != 1 else " ")
              + (", ".join(str(r) for r in found) or "unknown"))
    return desc, allowed, actual, not problems, "; ".join(problems) or None


_KINDS: dict[str, Callable[[Criterion, _Context], _Outcome]] = {
    "organisations": _organisations,
    "countries": _countries,
    "type_count": _type_count,
    "only_types": _only_types,
    "all_from": _all_from,
    "coordinator": _coordinator,
    "excluded_countries": _excluded_countries,
    "per_country_type": _per_country_type,
    "identifier": _identifier,
    "status_count": _status_count,
    "balance": _balance,
    "regions": _regions,
}


def _advise(c: Criterion, ctx: _Context) -> None:
    """An ``advice`` criterion: a rule the workbook cannot show, so it is a warning, never a verdict."""
    concerned = [p for p in ctx.partners
                 if (not c.countries or p.country in c.countries) and (not c.types or p.org_type in c.types)]
    if (c.countries or c.types) and not concerned:
        return
    whom = f" (concerns {_names(concerned)})" if c.countries or c.types else ""
    ctx.warnings.append(f"{c.id}: not checked — {c.text}{whom} ({c.provenance.describe()})")


# ───────────────────────────────────── duration and grant ─────────────────────────────────────


def _eur(amount: Decimal | int | float) -> str:
    return f"{Decimal(amount):,.0f} EUR".replace(",", " ") if Decimal(amount) == int(amount) else \
        f"{Decimal(amount):,.2f} EUR".replace(",", " ")


def _result(id_: str, desc: str, required: str, actual: Any, ok: bool, hint: str | None,
            prov: Provenance) -> CriterionResult:
    return CriterionResult(id_, desc, required, actual, ok, hint, prov.source.where, prov.confidence.value)


def _check_duration(ctx: _Context, months: int) -> CriterionResult | None:
    rules = ctx.rules.durations
    if not rules:
        ctx.warnings.append(f"the rules data has no duration options for {ctx.rules.action.key} in "
                            f"{ctx.year}; the stated duration was not checked")
        return None
    rule = next((r for r in rules if r.allows(months)), rules[0])
    ok = rule.allows(months)
    options = " or ".join(r.describe() for r in rules)
    hint = None if ok else f"choose a duration of {options}"
    return _result("duration", "Project duration is one of the allowed options", options, f"{months} months", ok,
                   hint, rule.provenance)


def _grant_cap(ctx: _Context, g: Any, months: int | None) -> tuple[str, Callable[[Decimal], bool]] | None:
    if g.lump_sums:
        sums = ", ".join(_eur(s) for s in g.lump_sums)
        return f"one of {sums}", lambda a: a in {Decimal(s) for s in g.lump_sums}
    if g.max_by_duration:
        if months in g.max_by_duration:
            cap = g.max_by_duration[months]
            return f"≤ {_eur(cap)} for {months} months", lambda a: a <= cap
        cap = max(g.max_by_duration.values())
        ctx.warnings.append("grant checked against the highest ceiling because the duration is not one of "
                            + ", ".join(str(k) for k in g.max_by_duration) + " months")
        return f"≤ {_eur(cap)}", lambda a: a <= cap
    if g.per_month and months:
        cap = min(g.per_month * months, g.max or math.inf)
        return f"≤ {_eur(cap)} ({_eur(g.per_month)} per month, at most {_eur(g.max)})", lambda a: a <= cap
    if g.per_organisation_year and g.per_year:
        years = math.ceil((months or 12) / 12)
        per_year = min(g.per_organisation_year * len(ctx.counted), g.per_year)
        cap = per_year * years
        return (f"≤ {_eur(cap)} ({_eur(g.per_organisation_year)} per organisation and year, at most "
                f"{_eur(g.per_year)} a year)"), lambda a: a <= cap
    lo, hi = g.min, g.max
    if lo is not None and hi is not None:
        return f"{_eur(lo)} – {_eur(hi)}", lambda a: lo <= a <= hi
    if hi is not None:
        return f"≤ {_eur(hi)}", lambda a: a <= hi
    return None


def _check_grant(ctx: _Context, amount: Decimal, months: int | None) -> CriterionResult | None:
    if not ctx.rules.grants:
        ctx.warnings.append(f"the rules data has no grant amounts for {ctx.rules.action.key} in {ctx.year}; "
                            "the requested grant was not checked")
        return None
    g = ctx.rules.grants[0]
    cap = _grant_cap(ctx, g, months)
    if cap is None:
        return None
    required, allowed = cap
    ok = allowed(amount)
    hint = None if ok else f"request {required}"
    return _result("grant", "Requested grant fits the action's lump sums or ceiling", required, _eur(amount), ok,
                   hint, g.provenance)


# ───────────────────────────────────── entry points ─────────────────────────────────────


def check_consortium(action: str, call_year: int, partners: Sequence[Partner], *, duration_months: int | None = None,
                     requested_grant: Decimal | None = None) -> CheckResult:
    """Check a consortium against the rules of ``action`` in ``call_year``."""
    rules = rules_for(action, call_year)
    ctx = _Context(rules, partners)
    results: list[CriterionResult] = []
    for c in rules.criteria:
        if c.kind == "advice":
            _advise(c, ctx)
            continue
        desc, required, actual, ok, hint = _KINDS[c.kind](c, ctx)
        results.append(_result(c.id, c.description or desc, required, actual, ok, hint, c.provenance))
    if duration_months is not None and (r := _check_duration(ctx, duration_months)):
        results.append(r)
    if requested_grant is not None and (r := _check_grant(ctx, requested_grant, duration_months)):
        results.append(r)

    warnings = list(rules.notes)
    for r in results:
        if r.confidence not in ("seed", "official") and r.id not in ctx.undecided:
            warnings.append(f"{r.id}: rests on a {r.confidence} value ({r.source}); verify it in the "
                            f"Programme Guide {call_year}")
    warnings += ctx.warnings
    for notice in notices_for(rules.action.period, call_year):
        concerned = [p for p in partners if notice.concerns(p.country, p.org_type)]
        if concerned:
            warnings.append(f"{notice.id}: {_names(concerned)} — {notice.text} ({notice.provenance.describe()})")
    for p in partners:
        st = code_status(p.country, call_year)
        if st.provenance is None:
            warnings.append(f"{st.name} is not listed in the rules data; treated as a "
                            f"{st.label} for call {call_year}")
        elif not st.provenance.confirmed:
            warnings.append(f"{st.name}: its status in call {call_year} ({st.describe()}) rests on a "
                            f"{st.provenance.describe()} value; verify it in the Programme Guide {call_year}")
    return CheckResult(
        eligible=all(r.ok for r in results), action=rules.ref.code, action_name=rules.action.name,
        call_year=call_year, criteria=tuple(results), warnings=tuple(dict.fromkeys(warnings)),
        counted=ctx.counted_phrase(),
    )


def check_project(project: Project) -> CheckResult:
    """Check a project read from a workbook (its consortium, and its duration and grant where stated)."""
    try:
        result = check_consortium(project.action, project.call_year, project.partners,
                                  duration_months=project.duration_months, requested_grant=project.requested_grant)
    except Ka2Error as e:
        # Rules errors know the action and year but not where they were written: name the workbook cell.
        if not e.where.file:
            e.where = project.cells.get("action") or Location(file=project.source)
        raise
    # What the reader read with a doubt or passed over comes first, each naming its cell.
    reading = tuple(str(w) for w in project.warnings)
    return CheckResult(**{**result.__dict__, "file": project.source, "title": project.title,
                          "acronym": project.acronym, "warnings": tuple(dict.fromkeys(reading + result.warnings)),
                          "reading": project.warnings})


def grant_criterion(action: str, call_year: int, partners: Sequence[Partner], amount: Decimal,
                    duration_months: int | None = None) -> CriterionResult | None:
    """The grant criterion alone, for an amount that is not the requested grant (a budget's total)."""
    ctx = _Context(rules_for(action, call_year), partners)
    return _check_grant(ctx, amount, duration_months)
