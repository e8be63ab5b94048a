"""The rules data's words in the user's language: action names, roles, organisation types and classes,
country statuses, country names.

The data keeps one English label per thing (``organisations.yaml``, ``countries.yaml``, ``actions/*.yaml``);
the catalogs translate it. :func:`data_messages` lists every such label as a catalog message, so
``scripts/i18n.py extract`` puts them in the template next to the messages of the code and the completeness
test covers them too. English plurals are made here once (:func:`english_plural`) and used both for the
catalog's ``msgid_plural`` and at run time, so the two never disagree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from ka2forms.i18n import current, gettext, ngettext, npgettext
from ka2forms.rules.countries import CountryStatus
from ka2forms.rules.loader import read_yaml

#: The catalog context of labels inside a count ("3 VET providers"), apart from the same label as a value.
COUNTED = "counted"


@dataclass(frozen=True)
class DataMessage:
    """One translatable label of the rules data: where it comes from, and its plural when counted."""

    msgid: str
    plural: str | None
    where: str
    context: str | None = None


def english_plural(label: str) -> str:
    """``"VET provider"`` → ``"VET providers"``; ``"public body"`` → ``"public bodies"``; country and State
    words are the heads where they occur (``"third country associated to the Programme"`` → ``"third
    countries …"``); a bracketed tail stays as it is."""
    head, sep, tail = label.partition(" (")
    words = head.split(" ")
    heads = [i for i, w in enumerate(words) if w in ("country", "Country", "State")]
    if not heads and "of" in words[1:]:
        heads = [words.index("of", 1) - 1]          # "group of young people" → "groups of young people"
    heads = heads or [len(words) - 1]
    for i in heads:
        w = words[i]
        words[i] = (w[:-1] + "ies" if w.endswith("y") and not w.endswith(("ay", "ey", "oy"))
                    else w if w.endswith("s") else w + "s")
    return " ".join(words) + sep + tail


def lower_first(text: str) -> str:
    """``"Higher education institution"`` → ``"higher …"`` inside a sentence; ``"VET provider"`` stays."""
    return text[0].lower() + text[1:] if text[:2].istitle() else text


# ───────────────────────────────────── roles ─────────────────────────────────────


def _role_english(value: str) -> str:
    return str(read_yaml("organisations.yaml")["roles"][value]["label"])


def role_label(value: str) -> str:
    """A role as a column value: ``Koordinator``, ``Koordinátor``, ``Koordinator`` (de)."""
    return gettext(_role_english(value))


def role_count(value: str, n: int) -> str:
    """``1 partner / 2 partnerja / 3 partnerji / 5 partnerjev``: a count of organisations in a role."""
    one = "{n} " + lower_first(_role_english(value))
    return npgettext(COUNTED, one, english_plural(one), n).format(n=n)


# ───────────────────────────────────── organisation types and classes ─────────────────────────────────────


def _type_english(code: str) -> str:
    return str(read_yaml("organisations.yaml")["types"][code]["label"])


def type_label(code: str) -> str:
    """An organisation type as a column value, capitalised."""
    return gettext(_type_english(code))


def type_noun(code: str, n: int) -> str:
    """An organisation type inside a sentence, in the form for a count ``n`` (without the number)."""
    one = lower_first(_type_english(code))
    return npgettext(COUNTED, one, english_plural(one), n)


def class_noun(name: str, n: int) -> str:
    """A class of types (``labour-market actors``) in the form for a count ``n``."""
    many = str(read_yaml("organisations.yaml")["classes"][name]["label"])
    return npgettext(COUNTED, many.rstrip("s"), many, n)


# ───────────────────────────────────── countries ─────────────────────────────────────


def status_words(label: str, *, one: bool) -> str:
    """A country-status label of the rules data (singular) as one (``one``) or as several, translated."""
    return gettext(label if one else english_plural(label))


def describe_status(st: CountryStatus) -> str:
    """A country's standing in words: "third country not associated to the Programme, Region 1"."""
    text = status_words(st.label, one=True)
    if st.region:
        text += gettext(", Region {n}").format(n=st.region)
    if st.excluded:
        text += gettext(", excluded")
    return text


@cache
def _country_names() -> dict[str, dict[str, str]]:
    import json

    from ka2forms.i18n import LOCALE_DIR

    return dict(json.loads((LOCALE_DIR / "countries.json").read_text(encoding="utf-8")))


def country_name(code: str) -> str:
    """A country's name in the current language: CLDR's (a table made by ``scripts/i18n.py compile``, so no
    Babel at run time) for sl/cs/de, the Guide's English otherwise."""
    from ka2forms.rules.countries import country_name as english

    lang = current()
    if lang != "en":
        name = _country_names().get(lang, {}).get(code)
        if name:
            return name
    return english(code)


# ───────────────────────────────────── actions ─────────────────────────────────────


def action_name(english: str) -> str:
    return gettext(english)


def confidence_label(value: str) -> str:
    """A confidence value (seed, official, third-party, unconfirmed) in words of the current language."""
    return {"seed": gettext("seed"), "official": gettext("official"), "third-party": gettext("third-party"),
            "unconfirmed": gettext("unconfirmed")}.get(value, value)


def months(n: int) -> str:
    return ngettext("{n} month", "{n} months", n).format(n=n)


# ───────────────────────────────────── the catalog's share ─────────────────────────────────────


def data_messages() -> Iterator[DataMessage]:
    """Every label of the rules data that reaches a user, as the catalog must hold it."""
    orgs = read_yaml("organisations.yaml")
    for value, raw in orgs["roles"].items():
        yield DataMessage(raw["label"], None, f"organisations.yaml: roles.{value}.label")
        one = "{n} " + lower_first(raw["label"])
        yield DataMessage(one, english_plural(one), f"organisations.yaml: roles.{value}.label, counted", COUNTED)
    for code, raw in orgs["types"].items():
        yield DataMessage(raw["label"], None, f"organisations.yaml: types.{code}.label")
        one = lower_first(raw["label"])
        yield DataMessage(one, english_plural(one), f"organisations.yaml: types.{code}.label, counted", COUNTED)
    for name, raw in orgs["classes"].items():
        yield DataMessage(raw["label"].rstrip("s"), raw["label"], f"organisations.yaml: classes.{name}.label",
                          COUNTED)
    countries = read_yaml("countries.yaml")
    for i, group in enumerate(countries["history"]):
        for raw in group["status"]:
            if raw.get("excluded_types") and raw.get("note"):   # shown when a partial exclusion cannot be decided
                yield DataMessage(raw["note"], None, f"countries.yaml: history[{i}] ({', '.join(group['codes'])}).note")
    for n, raw in enumerate(read_yaml("spellings.yaml")["countries"].get("ambiguous", []) or []):
        yield DataMessage(raw["why"], None, f"spellings.yaml: countries.ambiguous[{n}] ({raw['spelling']}).why")
    for n, notice in enumerate(read_yaml("programme.yaml").get("notices", []) or []):
        yield DataMessage(str(notice["text"]), None,
                          f"programme.yaml: notices[{n}] ({notice.get('id')})")
    for period in countries["labels"]:
        for key, label in period.items():
            if key == "calls":
                continue
            where = f"countries.yaml: labels[{period['calls']}].{key}"
            yield DataMessage(label, None, where)
            if key in ("member", "associated", "not-associated"):
                yield DataMessage(english_plural(label), None, where + ", several")
    from ka2forms.rules.loader import read_actions

    for key, raw in read_actions().items():
        yield DataMessage(raw["name"], None, f"actions: {key}.name")
        yield DataMessage(raw["managed_by"], None, f"actions: {key}.managed_by")
        yield DataMessage(" ".join(str(raw["summary"]).split()), None, f"actions: {key}.summary")
        for version in raw.get("rules", []):
            for why in ("no_call", "unknown"):     # why a call year has no rules, in the error that says so
                if version.get(why):
                    yield DataMessage(str(version[why]), None, f"actions: {key} from {version.get('from')}.{why}")
            for c in version.get("criteria", []) or []:
                if c.get("description"):
                    yield DataMessage(c["description"], None, f"actions: {key} {c['id']}.description")
                if c.get("kind") == "advice" and c.get("text"):
                    yield DataMessage(c["text"], None, f"actions: {key} {c['id']}.text (advice)")
                if c.get("note"):     # shown by ``ka2forms rules --action A --year Y``
                    yield DataMessage(c["note"], None, f"actions: {key} {c['id']}.note")
            for g in version.get("grants", []) or []:
                if g.get("note"):
                    yield DataMessage(g["note"], None, f"actions: {key} grants.note")
