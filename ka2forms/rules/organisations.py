"""Organisation types, consortium roles and the classes criteria count (``organisations.yaml``)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cache

from ka2forms.errors import Location, RulesDataError, UnknownValueError
from ka2forms.i18n import _
from ka2forms.rules import spellings
from ka2forms.rules.loader import provenance, read_yaml
from ka2forms.rules.provenance import Provenance
from ka2forms.rules.vocabulary import Vocabulary

ORG_TYPES = ("HEI", "VET", "SCHOOL", "ADULT", "YOUTH", "SME", "ENTERPRISE", "CHAMBER", "SOCIAL-PARTNER",
             "ASSOCIATION", "PUBLIC", "NGO", "RESEARCH", "SPORT", "INFORMAL-GROUP", "OTHER")


class Role(str, enum.Enum):
    """A consortium role. Only the roles an action's rules count are counted (default: coordinator, partner)."""

    COORDINATOR = "coordinator"
    PARTNER = "partner"
    ASSOCIATED = "associated"
    AFFILIATED = "affiliated"

    @property
    def label(self) -> str:
        return str(read_yaml("organisations.yaml")["roles"][self.value]["label"])


@dataclass(frozen=True)
class OrgClass:
    """A class of organisation types that criteria count, e.g. labour-market actors."""

    id: str
    label: str
    description: str
    members: dict[str, Provenance]


def _shown(label: str) -> list[str]:
    """The label as every catalog shows it (annex, check, ``ka2forms new``): what we write, we read back."""
    from ka2forms.i18n import LANGUAGES, translation

    return [translation(lang).gettext(label) for lang in LANGUAGES if lang != "en"]


@cache
def _types_vocabulary() -> Vocabulary:
    voc = Vocabulary("organisation type")
    data = read_yaml("organisations.yaml")["types"]
    if tuple(data) != ORG_TYPES:
        raise RulesDataError(f"organisations.yaml: types must be exactly {', '.join(ORG_TYPES)}")
    for code, raw in data.items():
        voc.add(code, [code, raw["label"], *raw.get("labels", []), *_shown(raw["label"])])
    for code, words in spellings.keyed("types").items():  # how people write them (spellings.yaml)
        if code not in ORG_TYPES:
            raise RulesDataError(f"spellings.yaml: types: unknown type {code}")
        voc.add(code, words)
    return voc


@cache
def _roles_vocabulary() -> Vocabulary:
    voc = Vocabulary("role")
    for key, raw in read_yaml("organisations.yaml")["roles"].items():
        voc.add(Role(key).value, [key, raw["label"], *raw.get("labels", []), *_shown(raw["label"])])
    for key, words in spellings.keyed("roles").items():
        voc.add(Role(key).value, words)
    return voc


def resolve_type(text: str, *, where: Location | None = None) -> str:
    """The type code for a code or readable label: ``"Visokošolski zavod"`` → ``"HEI"``."""
    voc = _types_vocabulary()
    code = voc.get(text)
    if code is None:
        raise UnknownValueError("organisation type", text, suggestions=voc.suggest(text), where=where,
                                hint=_("use one of {types}").format(types=", ".join(ORG_TYPES)))
    return code


def resolve_role(text: str, *, where: Location | None = None) -> Role:
    """The role for a label in English, Slovenian or Czech: ``"Koordinátor"`` → ``Role.COORDINATOR``."""
    voc = _roles_vocabulary()
    value = voc.get(text)
    if value is None:
        raise UnknownValueError("role", text, suggestions=voc.suggest(text), where=where,
                                hint=_("use Coordinator, Partner, Associated partner or Affiliated entity"))
    return Role(value)


def type_label(code: str) -> str:
    """The English label of a type code."""
    return str(read_yaml("organisations.yaml")["types"][code]["label"])


@cache
def org_class(name: str) -> OrgClass:
    """A class (``labour-market``, ``education-training``) with the provenance of each member type."""
    raw = read_yaml("organisations.yaml")["classes"].get(name)
    if raw is None:
        raise RulesDataError(f"unknown organisation class {name!r} in the rules data")
    members = {}
    for code, meta in raw["members"].items():
        if code not in ORG_TYPES:
            raise RulesDataError(f"organisations.yaml: class {name}: unknown type {code}")
        members[code] = provenance(meta, where=f"organisations.yaml: classes.{name}.{code}")
    return OrgClass(name, raw["label"], raw["description"], members)
