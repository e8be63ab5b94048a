"""Countries: names in any language, and their status by call year (``countries.yaml``).

Status changes inside programme periods (Serbia from call 2019, the UK after 2020, the UK and Switzerland
associated from 2027), so status is always asked for a call year. A year the data does not cover is an
error, never a guess.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from ka2forms.errors import AmbiguousValueError, Location, RuleNotDefinedError, RulesDataError, UnknownValueError
from ka2forms.i18n import _, join_or
from ka2forms.rules.loader import provenance, read_json, read_yaml
from ka2forms.rules.organisations import ORG_TYPES
from ka2forms.rules.provenance import CallYears, Provenance, spans
from ka2forms.rules.spellings import countries as _spellings
from ka2forms.rules.spellings import exact_key
from ka2forms.rules.vocabulary import Vocabulary
from ka2forms.text import fold, fold_compact

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
    """ISO alpha-2 code for a code or a name in any language: ``"Česká republika"`` → ``"CZ"``, ``"ČR"`` → ``"CZ"``.

    A spelling that means two countries ("CR": Czechia or Costa Rica, "SR": Slovakia or Suriname) raises
    AmbiguousValueError with the candidates, unless ``spellings.yaml`` names a reading for it (``RS``: Serbia,
    see :func:`read_country` for the warning that reading carries).
    """
    code, _amb = _lookup(text, where)
    return code


@dataclass(frozen=True)
class CountryReading:
    """A country as read from a cell: the code, and a warning when the spelling could also mean another."""

    code: str
    warning: str | None = None
    by_city: bool = False   # an ambiguous spelling settled by the row's town (the only candidate that has it)
    refusal: str | None = None  # the warning as a problem, where no warning can be shown (a worksheet function)


def read_country(text: str, call_year: int | None = None, *, where: Location | None = None,
                 place_countries: Callable[[], frozenset[str]] | None = None) -> CountryReading:
    """Like :func:`resolve_country`, for a value written in a workbook cell, next to the organisation's city.

    A spelling that means several countries ("CR", "SR", "RS") is read as the one candidate where the city
    lies (``place_countries``: the countries that have a place of that name), with a warning that says so.
    Otherwise a spelling with a default reading (``RS``: Serbia) is read with a warning, but refused with its
    candidates when they differ in eligibility for ``call_year`` (Serbia before call 2019): the verdict
    would then rest on a reading nobody confirmed. Other ambiguous spellings are refused.
    """
    from ka2forms.rules.words import country_name as named  # in the current language

    code, amb = _lookup(text, where, strict=False)
    if amb is None:
        return CountryReading(code)
    listed = [f"{named(c)} ({c})" for c in amb.candidates]
    places = place_countries() if place_countries is not None else frozenset()
    hits = [c for c in amb.candidates if c in places]
    if len(hits) == 1:
        return CountryReading(hits[0], _("country {text!r} read as {name} ({code}) because the city is there "
                                         "({why}); write {name} to make it certain").format(
            text=text, name=named(hits[0]), code=hits[0], why=_(amb.why)), by_city=True)
    if amb.read_as is None:
        raise AmbiguousValueError("country", text, listed, why=_(amb.why), where=where)
    if call_year is not None and call_year in covered_years() \
            and len({code_status(c, call_year).eligible for c in amb.candidates}) > 1:
        raise AmbiguousValueError("country", text, listed, why=_("{why}; in call {year} only one of them is "
                                                                     "eligible").format(why=_(amb.why), year=call_year),
                                  where=where)
    values = dict(text=text, name=named(code), code=code, why=_(amb.why), listed=join_or(listed))
    return CountryReading(code, _("country {text!r} read as {name} ({code}): {why}; write the country's name if you "
                                  "meant another ({listed})").format(**values),
                          refusal=_("country {text!r} would be read as {name} ({code}): {why}; write the country's "
                                    "name if you meant another ({listed})").format(**values))


def _lookup(text: str, where: Location | None, *, strict: bool = True) -> tuple[str, Any]:
    """(code, the Ambiguous entry when the spelling has several meanings, else None).

    ``strict``: an ambiguous spelling without a default reading raises at once (otherwise the caller decides).
    """
    sp = _spellings()
    stripped = text.strip()
    code = sp.exact.get(exact_key(stripped))
    if code:
        return code, None
    compact = fold_compact(stripped)
    amb = sp.ambiguous.get(compact)
    if amb is not None:
        if amb.read_as is None and strict:
            raise AmbiguousValueError("country", text, [f"{country_name(c)} ({c})" for c in amb.candidates],
                                      why=_(amb.why), where=where)
        return amb.read_as or amb.candidates[0], amb
    code = sp.abbreviations.get(compact)
    if code:
        return code, None
    voc, _names_by_code = _names()
    code = voc.get(stripped)
    if code is None:
        code = _without_article_or_abbreviation(stripped, voc)
    if code is None:
        from ka2forms.rules.words import country_name as named  # in the current language

        raise UnknownValueError("country", text, where=where,
                                suggestions=[f"{named(c)} ({c})" for c in voc.suggest(text)])
    return code, None


def _without_article_or_abbreviation(text: str, voc: Vocabulary) -> str | None:
    """"The Netherlands" → NL, "Czech Rep." → CZ: one leading article dropped, "Rep." tried as "Republic"
    in each language; taken only when exactly one country results."""
    sp = _spellings()
    words = fold(text).split(" ")
    tries: list[str] = []
    if len(words) > 1 and words[0] in sp.articles:
        tries.append(" ".join(words[1:]))
    if words[0].startswith(("l'", "l’")) and len(words[0]) > 2:
        tries.append(" ".join([words[0][2:], *words[1:]]))
    for i, w in enumerate(words):
        if w in sp.republic_abbreviations or w.rstrip(".") in sp.republic_abbreviations:
            tries += [" ".join([*words[:i], fold(r), *words[i + 1:]]) for r in sp.republic_words]
    found = {c for t in tries if (c := voc.get(t))}
    return found.pop() if len(found) == 1 else None


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


def country_status(country: str, call_year: int) -> CountryStatus:
    """Status of a country as a user writes it (code or name, read by :func:`resolve_country`) in a call year."""
    return code_status(resolve_country(country), call_year)


@cache
def code_status(code: str, call_year: int) -> CountryStatus:
    """Status of an ISO alpha-2 code already read (a Partner's ``country``: "CR" here is Costa Rica)."""
    if code not in _names()[1]:
        code = resolve_country(code)
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
