"""KA2 actions and their rules by call year (``data/actions/*.yaml``).

An action has codes (official codes, aliases, EACEA topic-ID patterns) and a list of versions. A version
starts at a call year (``from: 2022``) and stays in force until the next one replaces it, up to the action's
``reviewed_to`` year: the last call year a person checked the rules against the call text. A later year is an
error naming that year, so a rule for 2026 is never applied to 2027 just because nothing newer is known.
``rules_for(code, year)`` returns the version in force, limited to the field or lot the code names.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from typing import Any

from ka2forms.errors import InputError, Location, RuleNotDefinedError, RulesDataError, UnknownValueError
from ka2forms.i18n import _
from ka2forms.rules.countries import ELIGIBLE, STATUSES
from ka2forms.rules.loader import provenance, read_actions
from ka2forms.rules.organisations import ORG_TYPES, Role, org_class
from ka2forms.rules.programme import after_review_note
from ka2forms.rules.provenance import CallYears, Provenance, describe_ranges, merge_ranges, spans
from ka2forms.text import fold_compact

CRITERION_KINDS = ("organisations", "countries", "type_count", "only_types", "all_from", "coordinator",
                   "excluded_countries", "per_country_type", "identifier", "status_count", "balance", "regions",
                   "advice")
_CRITERION_KEYS = {"id", "kind", "min", "max", "types", "class", "statuses", "identifier", "fields", "source",
                   "confidence", "description", "note", "regions", "one_region", "not_countries", "than",
                   "countries", "text"}
_GRANT_KEYS = {"lump_sums", "max", "min", "max_by_duration", "per_month", "per_organisation_year", "per_year"}
GRANT_UNITS = ("EUR",)
DURATION_UNITS = ("months",)
_VERSION_KEYS = {"calls", "from", "no_call", "unknown", "counted_roles", "criteria", "durations", "grants", "lots",
                 "lot_aliases", "note"}


@dataclass(frozen=True)
class Criterion:
    """One consortium criterion. ``kind`` selects the check in ``services/check.py``; the rest are its values."""

    id: str
    kind: str
    provenance: Provenance
    min: int | None = None
    max: int | None = None
    types: tuple[str, ...] = ()
    org_class: str | None = None
    statuses: tuple[str, ...] = ELIGIBLE
    identifier: str | None = None
    fields: tuple[str, ...] = ()
    description: str | None = None
    note: str | None = None
    than: tuple[str, ...] = ()      # kind balance: the statuses whose organisations may not outnumber ``statuses``
    regions: tuple[int, ...] = ()   # kind regions: the regions allowed for organisations with ``statuses``
    one_region: bool = False        # kind regions: all non-associated organisations from one region
    not_countries: tuple[str, ...] = ()  # kind coordinator: ISO codes whose organisations may not coordinate
    countries: tuple[str, ...] = ()  # kind advice: the countries it concerns (none: every country)
    text: str | None = None  # kind advice: what the user must verify

    def counted_types(self) -> tuple[str, ...]:
        """The organisation types this criterion counts (its ``types``, or its class's members)."""
        return tuple(org_class(self.org_class).members) if self.org_class else self.types


@dataclass(frozen=True)
class DurationRule:
    """Allowed project durations in months: a set of options or a range."""

    provenance: Provenance
    months: tuple[int, ...] = ()
    min: int | None = None
    max: int | None = None
    fields: tuple[str, ...] = ()
    unit: str = "months"

    def allows(self, months: int) -> bool:
        if self.months:
            return months in self.months
        return (self.min is None or months >= self.min) and (self.max is None or months <= self.max)

    def describe(self) -> str:
        if self.months:
            return " or ".join(str(m) for m in self.months) + " months"
        return f"{self.min}–{self.max} months"


@dataclass(frozen=True)
class GrantRule:
    """What grant may be requested: lump-sum options, a range, a cap, a cap per duration or per month."""

    provenance: Provenance
    lump_sums: tuple[int, ...] = ()
    min: int | None = None
    max: int | None = None
    max_by_duration: dict[int, int] = field(default_factory=dict)
    per_month: int | None = None
    per_organisation_year: int | None = None
    per_year: int | None = None
    fields: tuple[str, ...] = ()
    note: str | None = None
    unit: str = "EUR"


@dataclass(frozen=True)
class ActionVersion:
    """An action's rules for a range of call years (from its ``from`` year until replaced or reviewed)."""

    calls: CallYears
    counted_roles: tuple[Role, ...]
    criteria: tuple[Criterion, ...]
    durations: tuple[DurationRule, ...]
    grants: tuple[GrantRule, ...]
    lots: dict[str, str] = field(default_factory=dict)  # lot → what it meant in these calls (SSA 2018–2020)
    lot_aliases: dict[str, str] = field(default_factory=dict)  # a named lot (BLUEPRINT) → its number these calls
    no_call: str | None = None  # these call years had no call for the action (why)
    unknown: str | None = None  # these call years had a call, or may have, but its rules are not in the data (why)


@dataclass(frozen=True)
class Action:
    """A KA2 action (e.g. KA220 Cooperation Partnerships) with every version of its rules."""

    key: str
    name: str
    period: str
    managed_by: str
    summary: str
    versions: tuple[ActionVersion, ...]
    fields: tuple[str, ...]
    reviewed_to: int = 0  # the last call year whose call text a person checked these rules against

    def version(self, call_year: int) -> ActionVersion:
        subject = f"{self.key} ({_(self.name)})"
        known = describe_ranges(merge_ranges(self.calls))
        if call_year > self.reviewed_to:
            raise RuleNotDefinedError(subject, call_year, known=known,
                                      detail=after_review_note(call_year, self.reviewed_to))
        for v in self.versions:
            if call_year in v.calls:
                if v.no_call:
                    raise RuleNotDefinedError(subject, call_year, known=known,
                                              detail=_("there was no call for this action in {year}: {why}").format(
                                                  year=call_year, why=_(v.no_call)))
                if v.unknown:
                    raise RuleNotDefinedError(subject, call_year, known=known,
                                              detail=_("the rules of call {year} are not in the data: {why}").format(
                                                  year=call_year, why=_(v.unknown)))
                return v
        raise RuleNotDefinedError(subject, call_year, known=known)

    @property
    def calls(self) -> list[CallYears]:
        """The call years of each version that has rules (years without a call are left out)."""
        return [v.calls for v in self.versions if not (v.no_call or v.unknown)]


@dataclass(frozen=True)
class ActionRef:
    """What a typed action code names: the action, its field or lot (if any), and a topic's call year."""

    action: Action
    code: str
    field: str | None = None
    topic_year: int | None = None


@dataclass(frozen=True)
class ActionRules:
    """The rules for one action code in one call year, limited to its field or lot."""

    ref: ActionRef
    call_year: int
    version: ActionVersion
    criteria: tuple[Criterion, ...]
    durations: tuple[DurationRule, ...]
    grants: tuple[GrantRule, ...]
    notes: tuple[str, ...]  # e.g. "field not given: HED-only criteria not checked"

    @property
    def action(self) -> Action:
        return self.ref.action

    @property
    def counted_roles(self) -> tuple[Role, ...]:
        return self.version.counted_roles


# ─────────────────────────────────────────── parsing ───────────────────────────────────────────


def _ints(value: Any, where: str) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(isinstance(v, int) for v in value):
        raise RulesDataError(f"{where}: expected a list of whole numbers, got {value!r}")
    return tuple(value)


def _parse_criterion(raw: dict[str, Any], where: str) -> Criterion:
    unknown = set(raw) - _CRITERION_KEYS
    if unknown:
        raise RulesDataError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    kind = raw.get("kind")
    if kind not in CRITERION_KINDS:
        raise RulesDataError(f"{where}: kind must be one of {', '.join(CRITERION_KINDS)}, not {kind!r}")
    types = tuple(raw.get("types", ()))
    if bad := [t for t in types if t not in ORG_TYPES]:
        raise RulesDataError(f"{where}: unknown organisation types {bad}")
    statuses = tuple(raw.get("statuses", ELIGIBLE))
    if bad := [s for s in statuses if s not in STATUSES]:
        raise RulesDataError(f"{where}: unknown statuses {bad}")
    if raw.get("class"):
        org_class(raw["class"])  # fails early on a misspelt class
    needs_min = kind in {"organisations", "countries", "type_count", "per_country_type", "status_count"}
    if needs_min and not isinstance(raw.get("min"), int):
        raise RulesDataError(f"{where}: kind {kind} needs a whole-number min")
    if kind in {"type_count", "per_country_type", "only_types"} and not (types or raw.get("class")):
        raise RulesDataError(f"{where}: kind {kind} needs types or class")
    if kind == "identifier" and raw.get("identifier") not in {"PIC", "OID"}:
        raise RulesDataError(f"{where}: identifier must be PIC or OID")
    regions = raw.get("regions", [])
    if raw.get("not_countries") and kind != "coordinator":
        raise RulesDataError(f"{where}: not_countries applies to kind coordinator only")
    if kind == "regions" and not regions:
        raise RulesDataError(f"{where}: kind regions needs regions: [..]")
    if "regions" in raw:
        _ints(regions, where)
    if kind in {"status_count", "balance", "regions"} and "statuses" not in raw:
        raise RulesDataError(f"{where}: kind {kind} needs statuses (for balance: the side that must be at "
                             "least as large)")
    than = tuple(raw.get("than", ("member", "associated") if kind == "balance" else ()))
    if bad := [s for s in than if s not in STATUSES]:
        raise RulesDataError(f"{where}: unknown statuses {bad}")
    if kind == "advice" and not raw.get("text"):
        raise RulesDataError(f"{where}: kind advice needs text (what the user must verify)")
    return Criterion(id=raw["id"], kind=kind, provenance=provenance(raw, where=where), min=raw.get("min"),
                     max=raw.get("max"), types=types, org_class=raw.get("class"), statuses=statuses,
                     identifier=raw.get("identifier"), fields=tuple(raw.get("fields", ())),
                     description=raw.get("description"), note=raw.get("note"), than=than, regions=tuple(regions),
                     one_region=bool(raw.get("one_region", False)),
                     not_countries=tuple(str(c) for c in raw.get("not_countries", ())),
                     countries=tuple(raw.get("countries", ())), text=raw.get("text"))


def _unit(raw: dict[str, Any], allowed: tuple[str, ...], where: str) -> str:
    unit = raw.get("unit", allowed[0])
    if unit not in allowed:
        raise RulesDataError(f"{where}: unit must be {' or '.join(allowed)}, not {unit!r}")
    return str(unit)


def _parse_duration(raw: dict[str, Any], where: str) -> DurationRule:
    months = _ints(raw["months"], where) if "months" in raw else ()
    if not months and not ("min" in raw and "max" in raw):
        raise RulesDataError(f"{where}: a duration needs months: [..] or min and max")
    return DurationRule(provenance(raw, where=where), months, raw.get("min"), raw.get("max"),
                        tuple(raw.get("fields", ())), _unit(raw, DURATION_UNITS, where))


def _parse_grant(raw: dict[str, Any], where: str) -> GrantRule:
    if not set(raw) & _GRANT_KEYS:
        raise RulesDataError(f"{where}: a grant needs one of {', '.join(sorted(_GRANT_KEYS))}")
    return GrantRule(provenance(raw, where=where), _ints(raw.get("lump_sums", []), where), raw.get("min"),
                     raw.get("max"), {int(k): int(v) for k, v in raw.get("max_by_duration", {}).items()},
                     raw.get("per_month"), raw.get("per_organisation_year"), raw.get("per_year"),
                     tuple(raw.get("fields", ())), raw.get("note"), _unit(raw, GRANT_UNITS, where))


def _parse_version(raw: dict[str, Any], calls: CallYears, where: str) -> ActionVersion:
    if unknown := set(raw) - _VERSION_KEYS:
        raise RulesDataError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    if raw.get("no_call") or raw.get("unknown"):
        if set(raw) - {"from", "calls", "no_call", "unknown", "note"} or (raw.get("no_call") and raw.get("unknown")):
            raise RulesDataError(f"{where}: a no_call or unknown version holds no rules (and not both)")
        return ActionVersion(calls, (), (), (), (), no_call=raw.get("no_call"), unknown=raw.get("unknown"))
    roles = tuple(Role(r) for r in raw.get("counted_roles", ["coordinator", "partner"]))
    criteria = tuple(_parse_criterion(c, f"{where}.criteria[{i}]") for i, c in enumerate(raw.get("criteria", [])))
    durations = tuple(_parse_duration(d, f"{where}.durations[{i}]") for i, d in enumerate(raw.get("durations", [])))
    grants = tuple(_parse_grant(g, f"{where}.grants[{i}]") for i, g in enumerate(raw.get("grants", [])))
    lots, aliases = dict(raw.get("lots") or {}), dict(raw.get("lot_aliases") or {})
    if bad := [a for a, lot in aliases.items() if lot not in lots]:
        raise RulesDataError(f"{where}: lot_aliases {bad} point to lots this version does not have")
    return ActionVersion(calls, roles, criteria, durations, grants, lots, aliases)


@dataclass(frozen=True)
class _Catalogue:
    actions: dict[str, Action]
    codes: dict[str, tuple[str, str | None]]            # folded code → (action key, field)
    patterns: tuple[tuple[re.Pattern[str], str, str | None], ...]
    refused: dict[str, str]                              # folded code → reason


@cache
def _catalogue() -> _Catalogue:
    data = read_actions()
    actions, codes, patterns, refused = {}, {}, [], {}
    for key, raw in data.items():
        where = f"actions/{key.lower()}.yaml: {key}"
        reviewed = raw.get("reviewed_to")
        if reviewed is not None and not isinstance(reviewed, int):
            raise RulesDataError(f"{where}: reviewed_to must be a call year like 2026")
        ranges = spans(raw["rules"], last=reviewed, where=f"{where}.rules")
        reviewed = reviewed if reviewed is not None else max(r.last for r in ranges)  # old closed-range files
        if any(r.last > reviewed for r in ranges):
            raise RulesDataError(f"{where}: a version reaches past reviewed_to {reviewed}")
        versions = tuple(_parse_version(v, r, f"{where}.rules[{i}]")
                         for i, (v, r) in enumerate(zip(raw["rules"], ranges, strict=True)))
        for a, b in pairwise(ranges):
            if b.first <= a.last:
                raise RulesDataError(f"{where}: call years {a} and {b} overlap")
        fields_seen: set[str] = set()
        for code, meta in raw["codes"].items():
            meta = meta or {}
            fld = meta.get("field") or meta.get("lot")
            if fld:
                fields_seen.add(fld)
            if "pattern" in meta:
                patterns.append((re.compile(meta["pattern"]), key, fld))
                continue
            folded = fold_compact(code)
            if folded in codes and codes[folded][0] != key:
                raise RulesDataError(f"{where}: code {code} is also used by {codes[folded][0]}")
            codes[folded] = (key, fld)
        for code, reason in (raw.get("refused_codes") or {}).items():
            refused[fold_compact(code)] = reason
        actions[key] = Action(key, raw["name"], str(raw["period"]), raw["managed_by"], raw["summary"], versions,
                              tuple(sorted(fields_seen)), reviewed)
    return _Catalogue(actions, codes, tuple(patterns), refused)


# ─────────────────────────────────────────── lookups ───────────────────────────────────────────


def all_actions() -> list[Action]:
    """Every action in the rules data, in data order (2014–2020 first)."""
    return list(_catalogue().actions.values())


def resolve_action(code: str, *, where: Location | None = None) -> ActionRef:
    """What an action code means. Case, spaces and dashes are ignored; EACEA topic IDs are recognised."""
    cat = _catalogue()
    text = " ".join(str(code).split())
    folded = fold_compact(text)
    if folded in cat.refused:
        raise UnknownValueError("action", text, where=where, hint=cat.refused[folded])
    if folded in cat.codes:
        key, fld = cat.codes[folded]
        return ActionRef(cat.actions[key], text.upper(), fld)
    upper = text.upper().replace(" ", "")
    for pattern, key, fld in cat.patterns:
        m = pattern.fullmatch(upper)
        if m:
            year = m.groupdict().get("year")
            return ActionRef(cat.actions[key], upper, fld, int(year) if year else None)
    close = difflib.get_close_matches(text.upper(), list(dict.fromkeys([*cat.actions, *_official_codes()])),
                                      n=3, cutoff=0.6)
    raise UnknownValueError("action", text, suggestions=close, where=where,
                            hint=_("see `ka2forms rules` for the actions and codes we know"))


@cache
def _official_codes() -> list[str]:
    out = []
    for raw in read_actions().values():
        out += [c for c, meta in raw["codes"].items() if not (meta or {}).get("pattern")]
    return out


def _applies(item_fields: tuple[str, ...], fld: str | None) -> bool:
    return not item_fields or (fld is not None and fld in item_fields)


def rules_for(code: str | ActionRef, call_year: int, *, where: Location | None = None) -> ActionRules:
    """The rules for an action code in a call year, limited to the code's field or lot."""
    ref = code if isinstance(code, ActionRef) else resolve_action(code, where=where)
    if ref.topic_year is not None and ref.topic_year != call_year:
        raise InputError(f"the topic {ref.code} belongs to call {ref.topic_year}, but the call year is "
                         f"{call_year}", where=where)
    version = ref.action.version(call_year)
    fld = version.lot_aliases.get(ref.field or "", ref.field)
    if version.lots and fld is not None and fld not in version.lots:
        lots = "; ".join(f"{k} {v}" for k, v in version.lots.items())
        raise InputError(_("{action} call {year} had no {field}: its lots were {lots}").format(
            action=ref.action.key, year=call_year, field=fld, lots=lots), where=where)
    everything = [*version.criteria, *version.durations, *version.grants]
    restricted = sorted({f for item in everything for f in item.fields})
    if fld is None and any(c.kind == "organisations" and c.fields for c in version.criteria):
        raise InputError(_("{action} rules in call {year} differ by field or lot ({fields}): give it in the action "
                           "code, e.g. {example}").format(action=ref.action.key, year=call_year,
                                                          fields=", ".join(restricted),
                                                          example=f"{ref.action.key}-{restricted[0]}"), where=where)
    notes = []
    if fld is None and restricted:
        notes.append(_("no field or lot in the action code: rules that apply only to {fields} were not "
                       "checked").format(fields=", ".join(restricted)))
    return ActionRules(
        ref=ref, call_year=call_year, version=version,
        criteria=tuple(c for c in version.criteria if _applies(c.fields, fld)),
        durations=tuple(d for d in version.durations if _applies(d.fields, fld)),
        grants=tuple(g for g in version.grants if _applies(g.fields, fld)),
        notes=tuple(notes),
    )
