"""Countries: names in any language, and their status by call year (``countries.yaml``).

Status changes inside programme periods (Serbia from call 2019, the UK after 2020, the UK and Switzerland
associated from 2027), so status is always asked for a call year. A year the data does not cover is an
error, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ka2forms.errors import Location, RuleNotDefinedError, RulesDataError, UnknownValueError
from ka2forms.rules.loader import provenance, read_json, read_yaml
from ka2forms.rules.organisations import ORG_TYPES
from ka2forms.rules.provenance import CallYears, Provenance, spans
from ka2forms.rules.vocabulary import Vocabulary

STATUSES = ("member", "associated", "not-associated")
ELIGIBLE = ("member", "associated")


@dataclass(frozen=True)
class CountryStatus:
    """One country's standing in one call year."""

    code: str
    name: str
    call_year: int
    status: str
    label: str
    region: int | None
    excluded: bool
    note: str | None
    provenance: Provenance | None  # None: not listed in countries.yaml, so not associated by default
    excluded_types: tuple[str, ...] = ()  # partial exclusion: these types are out, others cannot be told apart

    @property
    def eligible(self) -> bool:
        """EU Member State or associated third country (2014–2020: Programme Country)."""
        return self.status in ELIGIBLE and not self.excluded

    @property
    def partly_excluded(self) -> bool:
        return bool(self.excluded_types) and not self.excluded

    def excludes(self, org_type: str) -> bool | None:
        """Whether an organisation of this type is excluded: True, False, or None when the type cannot tell
        (call 2022 excluded Russian public bodies and state-controlled organisations, not every organisation)."""
        if self.excluded:
            return True
        if not self.excluded_types:
            return False
        return True if org_type in self.excluded_types else None

    def describe(self) -> str:
        text = self.label
        if self.region:
            text += f", Region {self.region}"
        if self.excluded:
            text += ", excluded"
        elif self.excluded_types:
            text += ", partly excluded"
        return text


@dataclass(frozen=True)
class _Entry:
    calls: CallYears
    status: str
    region: int | None
    excluded: bool
    note: str | None
    provenance: Provenance
    excluded_types: tuple[str, ...] = ()


@cache
def _names() -> tuple[Vocabulary, dict[str, str]]:
    data = read_json("country_names.json")
    return Vocabulary.from_folded("country", data["index"]), data["names"]


@cache
def _history() -> tuple[CallYears, dict[str, tuple[_Entry, ...]]]:
    data = read_yaml("countries.yaml")
    covers = CallYears.parse(data["covers"], where="countries.yaml: covers")
    history: dict[str, list[_Entry]] = {}
    for i, group in enumerate(data["history"]):
        ranges = spans(group["status"], last=covers.last, where=f"countries.yaml: history[{i}].status")
        for j, (raw, calls) in enumerate(zip(group["status"], ranges, strict=True)):
            where = f"countries.yaml: history[{i}].status[{j}]"
            if raw["status"] not in STATUSES:
                raise RulesDataError(f"{where}: status must be one of {', '.join(STATUSES)}")
            excluded_types = tuple(raw.get("excluded_types", ()))
            if bad := [t for t in excluded_types if t not in ORG_TYPES]:
                raise RulesDataError(f"{where}: unknown organisation types {bad}")
            if excluded_types and raw.get("excluded"):
                raise RulesDataError(f"{where}: give excluded: true or excluded_types, not both")
            entry = _Entry(calls, raw["status"], raw.get("region"), bool(raw.get("excluded", False)),
                           raw.get("note"), provenance(raw, where=where), excluded_types)
            for code in group["codes"]:
                if not (isinstance(code, str) and len(code) == 2 and code.isupper()):
                    raise RulesDataError(f"countries.yaml: history[{i}]: {code!r} is not an ISO code "
                                         "(quote NO, ON, YES: YAML reads them as booleans)")
                history.setdefault(code, []).append(entry)
    return covers, {code: tuple(entries) for code, entries in history.items()}


@cache
def _labels(call_year: int) -> dict[str, str]:
    for raw in read_yaml("countries.yaml")["labels"]:
        if call_year in CallYears.parse(raw["calls"], where="countries.yaml: labels"):
            return {k: v for k, v in raw.items() if k != "calls"}
    raise RuleNotDefinedError("country status labels", call_year)


def resolve_country(text: str, *, where: Location | None = None) -> str:
    """ISO alpha-2 code for a code or a name in any language: ``"Česká republika"`` → ``"CZ"``."""
    voc, _ = _names()
    code = voc.get(text)
    if code is None:
        raise UnknownValueError("country", text, where=where,
                                suggestions=[f"{country_name(c)} ({c})" for c in voc.suggest(text)])
    return code


def country_name(code: str) -> str:
    """The English name of an ISO code (as the Programme Guide writes it)."""
    return _names()[1].get(code, code)


def covered_years() -> CallYears:
    """The call years for which country status is known."""
    return _history()[0]


def eligible_phrase(call_year: int, *, one: bool = False) -> str:
    """How that period's Programme Guide names the countries that count ("Programme Countries", …)."""
    return _labels(call_year)["eligible_one" if one else "eligible"]


def status_label(status: str, call_year: int) -> str:
    return _labels(call_year)[status]


@cache
def country_status(country: str, call_year: int) -> CountryStatus:
    """Status of a country (code or name) in a call year."""
    code = resolve_country(country)
    covers, history = _history()
    if call_year not in covers:
        raise RuleNotDefinedError(f"country status ({country_name(code)})", call_year, known=str(covers))
    for e in history.get(code, ()):
        if call_year in e.calls:
            return CountryStatus(code, country_name(code), call_year, e.status, status_label(e.status, call_year),
                                 e.region, e.excluded, e.note, e.provenance, e.excluded_types)
    if code in history:
        raise RulesDataError(f"countries.yaml: {code} has no status for call year {call_year}")
    return CountryStatus(code, country_name(code), call_year, "not-associated",
                         status_label("not-associated", call_year), None, False, None, None)


def listed_countries() -> list[str]:
    """Codes that countries.yaml lists explicitly (for ``ka2forms rules`` and data tests)."""
    return sorted(_history()[1])
