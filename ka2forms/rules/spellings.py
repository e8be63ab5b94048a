"""How coordinators write things, in the programme countries' languages (``data/spellings.yaml``).

Vocabulary, not rules: sheet names, Project labels, partner-table headers, totals and notes rows, extra
spellings of roles, organisation types and countries. Kept apart from ``organisations.yaml`` so that adding
a way of writing a word never touches a rule (and a new type in the rules never touches the spellings).
Every section lists its words per language; a word may repeat across languages only with one meaning.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from ka2forms.errors import RulesDataError
from ka2forms.rules.loader import read_yaml
from ka2forms.text import fold, fold_compact

LANGUAGES = ("en", "sl", "cs", "sk", "hr", "pl", "hu", "de", "it", "fr", "es", "pt", "ro")


def _data() -> dict[str, Any]:
    return read_yaml("spellings.yaml")  # type: ignore[no-any-return]


def _words(per_language: Any, where: str) -> list[str]:
    if not isinstance(per_language, dict) or not set(per_language) <= set(LANGUAGES):
        raise RulesDataError(f"spellings.yaml: {where}: expected words per language ({', '.join(LANGUAGES)})")
    return [str(w) for lang in LANGUAGES for w in per_language.get(lang) or ()]


@cache
def keyed(section: str) -> dict[str, tuple[str, ...]]:
    """``{key: (word, …)}`` of a keyed section (``project_labels``, ``partner_headers``, ``roles``, ``types``,
    ``sheets``), every language merged, first language first; one word meaning two keys is a data error."""
    out: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for key, per_language in _data()[section].items():
        words = list(dict.fromkeys(_words(per_language, f"{section}.{key}")))
        for w in words:
            k = fold_compact(w)
            if owner.setdefault(k, key) != key:
                raise RulesDataError(f"spellings.yaml: {section}: {w!r} is claimed by both {owner[k]} and {key}")
        out[str(key)] = tuple(words)
    return out


@cache
def plain(section: str) -> frozenset[str]:
    """The folded words of an unkeyed section (``totals``, ``notes``)."""
    return frozenset(fold_compact(w) for w in _words(_data()[section], section))


@dataclass(frozen=True)
class Ambiguous:
    """A spelling with several meanings; ``read_as`` is the reading taken (with a warning) when it is safe."""

    candidates: tuple[str, ...]
    why: str
    read_as: str | None


@dataclass(frozen=True)
class CountrySpellings:
    exact: dict[str, str]                 # exact_key(text) → code
    abbreviations: dict[str, str]         # fold_compact(text) → code
    ambiguous: dict[str, Ambiguous]       # fold_compact(text) → Ambiguous
    articles: tuple[str, ...]             # folded
    republic_abbreviations: frozenset[str]
    republic_words: tuple[str, ...]


def exact_key(text: str) -> str:
    """Case folded, diacritics kept, spaces and dots dropped: "Č. R." → "čr" (and never "cr")."""
    return "".join(ch for ch in unicodedata.normalize("NFC", text.casefold()) if not ch.isspace() and ch != ".")


@cache
def countries() -> CountrySpellings:
    raw = _data()["countries"]
    ambiguous = {fold_compact(a["spelling"]): Ambiguous(tuple(a["candidates"]), a["why"], a.get("read_as"))
                 for a in raw["ambiguous"]}
    for key, a in ambiguous.items():
        if a.read_as is not None and a.read_as not in a.candidates:
            raise RulesDataError(f"spellings.yaml: countries.ambiguous {key}: read_as must be a candidate")
    abbreviations = {fold_compact(k): v for k, v in raw["abbreviations"].items()}
    clash = set(abbreviations) & set(ambiguous)
    if clash:
        raise RulesDataError(f"spellings.yaml: countries: {sorted(clash)} are both abbreviations and ambiguous")
    return CountrySpellings(
        exact={exact_key(k): v for k, v in raw["exact"].items()},
        abbreviations=abbreviations,
        ambiguous=ambiguous,
        articles=tuple(fold(a) for a in raw["articles"]),
        republic_abbreviations=frozenset(fold(a) for a in raw["republic_abbreviations"]),
        republic_words=tuple(raw["republic_words"]),
    )
