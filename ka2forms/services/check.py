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
from ka2forms.i18n import _, join_and, join_or, money, ngettext, use
from ka2forms.model import Partner, Project
from ka2forms.rules import (
    ActionRules,
    CountryStatus,
    Criterion,
    DurationRule,
    Provenance,
    Role,
    code_status,
    eligible_phrase,
    org_class,
    rules_for,
    words,
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
    lang: str = "en"
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
            "lang": self.lang,
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

    def full_partners(self) -> bool:
        return set(self.rules.counted_roles) == {Role.COORDINATOR, Role.PARTNER}

    def excluded(self, p: Partner) -> bool:
        """Whether the partner is excluded. Where the call excluded only some organisations of a country
        (Russia 2022: public bodies and state-controlled organisations) and the workbook's type cannot tell,
        the partner is not treated as excluded but a warning says what to verify."""
        st = self.status(p)
        verdict = st.excludes(p.org_type)
        if verdict is None:
            prov = st.provenance
            self.warnings.append(_(
                "{organisation} ({country}): call {year} excludes some organisations of {country} ({note}); the "
                "workbook cannot tell whether this {type} is one of them — verify before applying").format(
                organisation=p.organisation, country=words.country_name(st.code), year=self.year,
                note=_(st.note) if st.note else _("see the source"), type=words.type_noun(p.org_type, 1))
                + (f" ({_confidence(prov.confidence.value)}: {prov.source.where})" if prov else ""))
        return bool(verdict)

    def roles_phrase(self) -> str:
        """Who counts, for "At least 3 …": "full partners", or the counted roles."""
        return join_or([words.lower_first(words.role_label(r.value)) for r in self.rules.counted_roles])

    def counted_phrase(self) -> str:
        """"4 of 5 organisations counted (coordinator and partners; not counted: 1 associated partner)"."""
        counted = self.counted
        left = [p for p in self.partners if p not in counted]
        roles = (_("coordinator and partners") if self.full_partners()
                 else join_and([words.lower_first(words.role_label(r.value)) for r in self.rules.counted_roles]))
        text = ngettext("{counted} of {total} organisation counted ({roles}",
                        "{counted} of {total} organisations counted ({roles}",
                        len(self.partners)).format(counted=len(counted), total=len(self.partners), roles=roles)
        by_role: dict[str, int] = {}
        for p in left:
            by_role[p.role.value] = by_role.get(p.role.value, 0) + 1
        if by_role:
            text += _("; not counted: {roles}").format(
                roles=", ".join(words.role_count(r, n) for r, n in by_role.items()))
        return text + ")"

    def statuses_phrase(self, statuses: Sequence[str], *, one: bool = False) -> str:
        if tuple(statuses) == ("member", "associated"):
            return _(eligible_phrase(self.year, one=one))
        return join_or([words.status_words(status_label(s, self.year), one=one) for s in statuses])


def _names(partners: Iterable[Partner], limit: int = 3) -> str:
    ps = list(partners)
    text = ", ".join(f"{p.organisation} ({p.country})" for p in ps[:limit])
    if len(ps) > limit:
        text = _("{names} and {n} more").format(names=text, n=len(ps) - limit)
    return text


def _types_phrase(c: Criterion, n: int = 2) -> str:
    """What a criterion counts, in words, for a count of n: "labour-market actors", "VET provider"."""
    if c.org_class:
        return words.class_noun(c.org_class, n)
    return join_or([words.type_noun(t, n) for t in c.types])


# ───────────────────────────────────── criterion kinds ─────────────────────────────────────
# Each returns (description, required, actual, ok, hint), in the current language (ka2forms.i18n).

_Outcome = tuple[str, str, Any, bool, str | None]


def _organisations(c: Criterion, ctx: _Context) -> _Outcome:
    n = len(ctx.counted)
    lo = c.min or 0
    if ctx.full_partners():
        desc = ngettext("At least {min} full partner", "At least {min} full partners", lo).format(min=lo)
    else:
        desc = _("At least {min} organisations counted as {roles}").format(min=lo, roles=ctx.roles_phrase())
    if c.max:
        desc += _(", at most {max}").format(max=c.max)
    required = f"≥ {lo}" + (_(" and ≤ {max}").format(max=c.max) if c.max else "")
    ok = n >= lo and (c.max is None or n <= c.max)
    hint = None
    if n < lo:
        hint = ngettext("add {n} more organisation as partner (associated partners do not count)",
                        "add {n} more organisations as partners (associated partners do not count)",
                        lo - n).format(n=lo - n)
    elif c.max is not None and n > c.max:
        hint = ngettext("remove {n} organisation: at most {max} are allowed",
                        "remove {n} organisations: at most {max} are allowed", n - c.max).format(n=n - c.max,
                                                                                                 max=c.max)
    return desc, required, n, ok, hint


def _countries(c: Criterion, ctx: _Context) -> _Outcome:
    types = c.counted_types()
    countries = {p.country for p in ctx.counted
                 if ctx.status(p).status in c.statuses and not ctx.excluded(p) and (not types or p.org_type in types)}
    n = len(countries)
    where = ctx.statuses_phrase(c.statuses)
    desc = ngettext("From at least {min} different country: {where}",
                    "From at least {min} different countries: {where}", c.min).format(min=c.min, where=where)
    if types:
        desc += _(", counting only: {what}").format(what=_types_phrase(c))
    hint = None
    if n < c.min:
        missing = c.min - n
        one = ctx.statuses_phrase(c.statuses, one=True)
        hint = (_("add a partner from another country: {where}").format(where=one) if missing == 1
                else ngettext("add partners from {n} more country: {where}",
                              "add partners from {n} more countries: {where}", missing).format(n=missing,
                                                                                               where=where))
        hint += _(" (now: {countries})").format(countries=", ".join(sorted(countries)) or _("none"))
    return desc, f"≥ {c.min}", n, n >= c.min, hint


def _type_count(c: Criterion, ctx: _Context) -> _Outcome:
    types = c.counted_types()
    matching = [p for p in ctx.counted if p.org_type in types]
    if c.org_class:
        members = org_class(c.org_class).members
        for t in sorted({p.org_type for p in matching}):
            if not members[t].confirmed:
                ctx.warnings.append(_("{id}: counting {type} as {what} is {confidence} ({source})").format(
                    id=c.id, type=words.type_noun(t, 1), what=words.class_noun(c.org_class, 2),
                    confidence=_confidence(members[t].confidence.value), source=members[t].source.where))
    n = len(matching)
    desc = _("At least {min} {what}").format(min=c.min, what=_types_phrase(c, c.min))
    missing = (c.min or 0) - n
    hint = (ngettext("add {n} {what} as full partner", "add {n} {what} as full partners", missing).format(
        n=missing, what=_types_phrase(c, missing)) if missing > 0 else None)
    return desc, f"≥ {c.min}", n, n >= c.min, hint


def _only_types(c: Criterion, ctx: _Context) -> _Outcome:
    types = c.counted_types()
    others = [p for p in ctx.counted if p.org_type not in types]
    what = _types_phrase(c)
    desc = _("Only these may take part: {what}").format(what=what)
    hint = _("replace or remove {names}").format(names=_names(others)) if others else None
    actual = _("all") if not others else ngettext(
        "{n} of {total} is not one of: {what}", "{n} of {total} are not one of: {what}", len(others)).format(
        n=len(others), total=len(ctx.counted), what=what)
    return desc, _("all: {what}").format(what=what), actual, not others, hint


def _all_from(c: Criterion, ctx: _Context) -> _Outcome:
    outside = [p for p in ctx.counted if ctx.status(p).status not in c.statuses or ctx.excluded(p)]
    where = ctx.statuses_phrase(c.statuses)
    desc = _("Every organisation from: {where}").format(where=where)
    actual = _("all") if not outside else ngettext("{n} from elsewhere", "{n} from elsewhere",
                                                   len(outside)).format(n=len(outside))
    hint = _("replace {names}").format(names=_names(outside)) if outside else None
    return desc, _("all from: {where}").format(where=where), actual, not outside, hint


def _coordinator(c: Criterion, ctx: _Context) -> _Outcome:
    coordinators = [p for p in ctx.partners if p.role is Role.COORDINATOR]
    where = ctx.statuses_phrase(c.statuses, one=True)
    anywhere = set(c.statuses) == {"member", "associated", "not-associated"}
    desc = _("Exactly one coordinator") if anywhere else _("Exactly one coordinator, from: {where}").format(
        where=where)
    if c.types:
        desc += _(", being: {what}").format(what=_types_phrase(c, 1))
    if c.regions:
        desc += ngettext(", from a non-associated country only in Region {regions}",
                         ", from a non-associated country only in Regions {regions}", len(c.regions)).format(
            regions=", ".join(map(str, c.regions)))
    required = "1"
    if len(coordinators) != 1:
        hint = (_("mark one organisation's Role as Coordinator") if not coordinators
                else _("only one Coordinator is allowed; now {names}").format(names=_names(coordinators)))
        return desc, required, len(coordinators), False, hint
    co = coordinators[0]
    st = ctx.status(co)
    problems = []
    if st.status not in c.statuses or ctx.excluded(co):
        problems.append(_("{country}: {status}").format(country=words.country_name(st.code),
                                                         status=_describe_status(st)))
    if c.types and co.org_type not in c.types:
        problems.append(_("{type} may not coordinate").format(type=words.type_label(co.org_type)))
    if c.regions and st.status == "not-associated" and st.region not in c.regions:
        where_from = (_("Region {n}").format(n=st.region) if st.region else _("a region we do not know"))
        problems.append(ngettext("{country} ({where}) may not coordinate: non-associated coordinators only from "
                                 "Region {regions}",
                                 "{country} ({where}) may not coordinate: non-associated coordinators only from "
                                 "Regions {regions}", len(c.regions)).format(
            country=words.country_name(st.code), where=where_from, regions=", ".join(map(str, c.regions))))
    if co.country in c.not_countries:
        problems.append(_("organisations from {country} may take part only as partners").format(
            country=words.country_name(st.code)))
    actual = f"{co.organisation} ({co.country})"
    lead = _("choose another coordinator") if anywhere else _("choose a coordinator from: {where}").format(
        where=where)
    hint = (lead + "; " + "; ".join(problems)) if problems else None
    return desc, required, actual, not problems, hint


_describe_status = words.describe_status


def _excluded_countries(c: Criterion, ctx: _Context) -> _Outcome:
    excluded = [p for p in ctx.partners if ctx.excluded(p)]
    if not any(ctx.status(p).excluded or ctx.status(p).excluded_types for p in ctx.partners):
        # No partner is from a country with an exclusion that year: no exclusion value decided the verdict,
        # so its source's confidence is not a warning (a partner's country status warns on its own).
        ctx.undecided.add(c.id)
    desc = _("No organisation that call {year} excludes (countries or kinds of organisation)").format(year=ctx.year)
    hint = _("remove {names}").format(names=_names(excluded)) if excluded else None
    return desc, _("none"), len(excluded), not excluded, hint


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
    desc = _("In each country of the consortium ({where}), at least {min} {what}").format(
        where=where, min=c.min, what=what)
    actual = _("every country") if not short else _("missing in {countries}").format(countries=", ".join(short))
    hint = _("add {what} in {countries}").format(what=what, countries=", ".join(short)) if short else None
    return desc, _("≥ {min} per country").format(min=c.min), actual, not short, hint


def _identifier(c: Criterion, ctx: _Context) -> _Outcome:
    attr = c.identifier.lower() if c.identifier else "pic"
    missing = [p for p in ctx.counted if not getattr(p, attr)]
    desc = {"pic": _("Every counted organisation has a PIC (Funding & Tenders Portal)"),
            "oid": _("Every counted organisation has an OID (Organisation Registration System)")}[attr]
    actual = _("all") if not missing else ngettext("{n} without", "{n} without", len(missing)).format(
        n=len(missing))
    hint = (_("register and fill in the {identifier} of {names}").format(identifier=c.identifier,
                                                                          names=_names(missing))
            if missing else None)
    return desc, _("all"), actual, not missing, hint


_confidence = words.confidence_label


def _status_count(c: Criterion, ctx: _Context) -> _Outcome:
    """At least ``min`` counted organisations (not countries) from countries with ``statuses``."""
    matching = [p for p in ctx.counted if ctx.status(p).status in c.statuses and not ctx.excluded(p)]
    n = len(matching)
    where = ctx.statuses_phrase(c.statuses)
    desc = ngettext("At least {min} organisation from: {where}", "At least {min} organisations from: {where}",
                    c.min or 0).format(min=c.min, where=where)
    missing = (c.min or 0) - n
    hint = (ngettext("add {n} more organisation from: {where} (as full partner)",
                     "add {n} more organisations from: {where} (as full partners)", missing).format(
        n=missing, where=where) if missing > 0 else None)
    return desc, f"≥ {c.min}", n, n >= c.min, hint


def _balance(c: Criterion, ctx: _Context) -> _Outcome:
    """Capacity building: organisations from ``statuses`` at least as many as those from ``than``."""
    mine = [p for p in ctx.counted if ctx.status(p).status in c.statuses and not ctx.excluded(p)]
    theirs = [p for p in ctx.counted if ctx.status(p).status in c.than]
    side, other = ctx.statuses_phrase(c.statuses), ctx.statuses_phrase(c.than)
    desc = _("At least as many organisations from: {side}, as from: {other}").format(side=side, other=other)
    ok = len(mine) >= len(theirs)
    gap = len(theirs) - len(mine)
    hint = None if ok else ngettext("add {n} organisation from: {side}, or remove {n} from: {other}",
                                    "add {n} organisations from: {side}, or remove {n} from: {other}",
                                    gap).format(n=gap, side=side, other=other)
    return desc, f"≥ {len(theirs)}", len(mine), ok, hint


def _region_list(regions: Iterable[int]) -> str:
    rs = list(regions)
    return ngettext("Region {regions}", "Regions {regions}", len(rs)).format(regions=", ".join(map(str, rs)))


def _regions(c: Criterion, ctx: _Context) -> _Outcome:
    """Organisations from countries with ``statuses`` come only from the listed regions (and, with
    ``one_region``, all from the same one). A country whose region the data does not know fails."""
    tcna = [p for p in ctx.counted if ctx.status(p).status in c.statuses]
    allowed = _region_list(c.regions)
    desc = _("Organisations from: {where}, only from {regions}").format(where=ctx.statuses_phrase(c.statuses),
                                                                        regions=allowed)
    if c.one_region:
        desc += _(", all from the same region")
    unknown = [p for p in tcna if ctx.status(p).region is None]
    outside = [p for p in tcna if ctx.status(p).region is not None and ctx.status(p).region not in c.regions]
    found = sorted({ctx.status(p).region for p in tcna if ctx.status(p).region is not None})
    for p in tcna:
        prov = ctx.status(p).provenance
        if prov is not None and prov.confidence.value not in ("seed", "official"):
            ctx.warnings.append(_("{id}: the region of {country} rests on a {confidence} value ({source})").format(
                id=c.id, country=words.country_name(ctx.status(p).code),
                confidence=_confidence(prov.confidence.value), source=prov.source.where))
    problems = []
    if unknown:
        problems.append(_("region unknown for {names}: check the country's region in the Programme Guide").format(
            names=_names(unknown)))
    if outside:
        problems.append(_("replace {names} (not in {regions})").format(names=_names(outside), regions=allowed))
    if c.one_region and len(found) > 1:
        problems.append(_("keep the non-associated partners in one region (now {regions})").format(
            regions=_region_list(found)))
    actual = (_("none") if not tcna else _region_list(found) if found else _("region unknown"))
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
    whom = _(" (concerns {names})").format(names=_names(concerned)) if c.countries or c.types else ""
    ctx.warnings.append(_("{id}: not checked — {text}{whom} ({confidence}: {source})").format(
        id=c.id, text=_(c.text), whom=whom, confidence=_confidence(c.provenance.confidence.value),
        source=c.provenance.source.where))


# ───────────────────────────────────── duration and grant ─────────────────────────────────────


def _eur(amount: Decimal | int | float) -> str:
    """Money in the one format of the current language (``ka2forms.i18n.money``; the annex uses it too)."""
    return money(amount)


def _result(id_: str, desc: str, required: str, actual: Any, ok: bool, hint: str | None,
            prov: Provenance) -> CriterionResult:
    return CriterionResult(id_, desc, required, actual, ok, hint, prov.source.where, prov.confidence.value)


def _describe_duration(rule: DurationRule) -> str:
    if rule.months:
        return ngettext("{months} month", "{months} months", rule.months[-1]).format(
            months=join_or([str(m) for m in rule.months]))
    return ngettext("{min}–{max} month", "{min}–{max} months", rule.max or 0).format(min=rule.min, max=rule.max)


def _check_duration(ctx: _Context, months: int) -> CriterionResult | None:
    rules = ctx.rules.durations
    if not rules:
        ctx.warnings.append(_("the rules data has no duration options for {action} in {year}; the stated "
                              "duration was not checked").format(action=ctx.rules.action.key, year=ctx.year))
        return None
    rule = next((r for r in rules if r.allows(months)), rules[0])
    ok = rule.allows(months)
    options = join_or([_describe_duration(r) for r in rules])
    hint = None if ok else _("choose a duration of {options}").format(options=options)
    return _result("duration", _("Project duration is one of the allowed options"), options,
                   words.months(months), ok, hint, rule.provenance)


def _grant_cap(ctx: _Context, g: Any, months: int | None) -> tuple[str, Callable[[Decimal], bool]] | None:
    if g.lump_sums:
        sums = ", ".join(_eur(s) for s in g.lump_sums)
        return _("one of {sums}").format(sums=sums), lambda a: a in {Decimal(s) for s in g.lump_sums}
    if g.max_by_duration:
        if months in g.max_by_duration:
            cap = g.max_by_duration[months]
            return (ngettext("≤ {cap} for {months} month", "≤ {cap} for {months} months", months).format(
                cap=_eur(cap), months=months), lambda a: a <= cap)
        cap = max(g.max_by_duration.values())
        ctx.warnings.append(_("grant checked against the highest ceiling because the duration is not one of "
                              "{options} months").format(options=", ".join(str(k) for k in g.max_by_duration)))
        return f"≤ {_eur(cap)}", lambda a: a <= cap
    if g.per_month and months:
        cap = min(g.per_month * months, g.max or math.inf)
        return (_("≤ {cap} ({per_month} per month, at most {max})").format(
            cap=_eur(cap), per_month=_eur(g.per_month), max=_eur(g.max)), lambda a: a <= cap)
    if g.per_organisation_year and g.per_year:
        years = math.ceil((months or 12) / 12)
        per_year = min(g.per_organisation_year * len(ctx.counted), g.per_year)
        cap = per_year * years
        return (_("≤ {cap} ({per_organisation} per organisation and year, at most {per_year} a year)").format(
            cap=_eur(cap), per_organisation=_eur(g.per_organisation_year), per_year=_eur(g.per_year)),
            lambda a: a <= cap)
    lo, hi = g.min, g.max
    if lo is not None and hi is not None:
        return f"{_eur(lo)} – {_eur(hi)}", lambda a: lo <= a <= hi
    if hi is not None:
        return f"≤ {_eur(hi)}", lambda a: a <= hi
    return None


def _check_grant(ctx: _Context, amount: Decimal, months: int | None) -> CriterionResult | None:
    if not ctx.rules.grants:
        ctx.warnings.append(_("the rules data has no grant amounts for {action} in {year}; the requested grant "
                              "was not checked").format(action=ctx.rules.action.key, year=ctx.year))
        return None
    g = ctx.rules.grants[0]
    cap = _grant_cap(ctx, g, months)
    if cap is None:
        return None
    required, allowed = cap
    ok = allowed(amount)
    hint = None if ok else _("request {amount}").format(amount=required)
    return _result("grant", _("Requested grant fits the action's lump sums or ceiling"), required, _eur(amount),
                   ok, hint, g.provenance)


# ───────────────────────────────────── entry points ─────────────────────────────────────


def check_consortium(action: str, call_year: int, partners: Sequence[Partner], *, duration_months: int | None = None,
                     requested_grant: Decimal | None = None, lang: str | None = None) -> CheckResult:
    """Check a consortium against the rules of ``action`` in ``call_year``.

    Descriptions, hints, required/actual phrases and warnings are in ``lang`` (default: the current language
    of :mod:`ka2forms.i18n`, English unless a front end chose one); ids and JSON keys stay English.
    """
    with use(lang) as chosen:
        return _check(action, call_year, partners, duration_months, requested_grant, chosen)


def _check(action: str, call_year: int, partners: Sequence[Partner], duration_months: int | None,
           requested_grant: Decimal | None, lang: str) -> CheckResult:
    rules = rules_for(action, call_year)
    ctx = _Context(rules, partners)
    results: list[CriterionResult] = []
    for c in rules.criteria:
        if c.kind == "advice":
            _advise(c, ctx)
            continue
        desc, required, actual, ok, hint = _KINDS[c.kind](c, ctx)
        results.append(_result(c.id, _(c.description) if c.description else desc, required, actual, ok, hint,
                               c.provenance))
    if duration_months is not None and (r := _check_duration(ctx, duration_months)):
        results.append(r)
    if requested_grant is not None and (r := _check_grant(ctx, requested_grant, duration_months)):
        results.append(r)

    warnings = list(rules.notes)  # made by rules_for in the current language
    for r in results:
        if r.confidence not in ("seed", "official") and r.id not in ctx.undecided:
            warnings.append(_("{id}: rests on a {confidence} value ({source}); verify it in the Programme Guide "
                              "{year}").format(id=r.id, confidence=_confidence(r.confidence), source=r.source,
                                               year=call_year))
    warnings += ctx.warnings
    for notice in notices_for(rules.action.period, call_year):
        concerned = [p for p in partners if notice.concerns(p.country, p.org_type)]
        if concerned:
            warnings.append(f"{notice.id}: {_names(concerned)} — {_(notice.text)} "
                            f"({_confidence(notice.provenance.confidence.value)}: {notice.provenance.source.where})")
    for p in partners:
        st = code_status(p.country, call_year)
        if st.provenance is None:
            warnings.append(_("{country} is not listed in the rules data; treated as: {status} (call {year})").format(
                country=words.country_name(st.code), status=words.status_words(st.label, one=True),
                year=call_year))
        elif not st.provenance.confirmed:
            warnings.append(_("{country}: its status in call {year} ({status}) rests on a {confidence} value "
                              "({source}); verify it in the Programme Guide {year}").format(
                country=words.country_name(st.code), year=call_year, status=_describe_status(st),
                confidence=_confidence(st.provenance.confidence.value), source=st.provenance.source.where))
    return CheckResult(
        eligible=all(r.ok for r in results), action=rules.ref.code, action_name=words.action_name(rules.action.name),
        call_year=call_year, criteria=tuple(results), warnings=tuple(dict.fromkeys(warnings)),
        counted=ctx.counted_phrase(), lang=lang,
    )


def check_project(project: Project, *, lang: str | None = None) -> CheckResult:
    """Check a project read from a workbook (its consortium, and its duration and grant where stated)."""
    try:
        result = check_consortium(project.action, project.call_year, project.partners,
                                  duration_months=project.duration_months, requested_grant=project.requested_grant,
                                  lang=lang)
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
