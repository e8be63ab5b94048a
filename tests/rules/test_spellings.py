"""The spellings vocabulary (rules/data/spellings.yaml): every language there, no word read two ways, and
no abbreviation that silently shadows another country's ISO code or name."""

from __future__ import annotations

import pytest

from ka2forms.errors import AmbiguousValueError
from ka2forms.rules import resolve_country, resolve_role, resolve_type, spellings
from ka2forms.rules.countries import _names, read_country
from ka2forms.rules.loader import read_yaml
from ka2forms.rules.organisations import ORG_TYPES
from ka2forms.text import fold, fold_compact

KEYED = ("sheets", "project_labels", "partner_headers", "roles")


@pytest.mark.parametrize("section", KEYED)
def test_every_key_has_words_in_every_language(section: str) -> None:
    data = read_yaml("spellings.yaml")[section]
    for key, per_language in data.items():
        missing = [lang for lang in spellings.LANGUAGES if not per_language.get(lang)]
        assert not missing, f"{section}.{key} lacks {missing}"


@pytest.mark.parametrize("code", ORG_TYPES)
def test_every_organisation_type_has_words_in_every_language(code: str) -> None:
    per_language = read_yaml("spellings.yaml")["types"][code]
    assert [lang for lang in spellings.LANGUAGES if not per_language.get(lang)] == []


@pytest.mark.parametrize("section", ["totals", "notes"])
def test_totals_and_notes_words_exist_in_every_language(section: str) -> None:
    per_language = read_yaml("spellings.yaml")[section]
    assert [lang for lang in spellings.LANGUAGES if not per_language.get(lang)] == []


@pytest.mark.parametrize("section", (*KEYED, "types"))
def test_no_word_means_two_things(section: str) -> None:
    spellings.keyed.cache_clear()
    spellings.keyed(section)  # raises RulesDataError on a clash


def test_roles_and_types_as_people_write_them() -> None:
    assert resolve_type("Secondary VET school") == "VET"          # not SCHOOL
    assert resolve_type("Adult education centre") == "ADULT"
    assert resolve_type("Ljudska univerza") == "ADULT"
    assert resolve_type("Chamber of commerce") == "CHAMBER"
    assert resolve_type("Obrtna zbornica") == "CHAMBER"
    for word in ("Lead partner", "Applicant organisation", "Vodilni partner", "Žadatel", "Wnioskodawca",
                 "Capofila", "Solicitante", "Pályázó"):
        assert resolve_role(word).value == "coordinator", word
    for word in ("Beneficiary", "Full partner", "Partenaire", "Socio", "Parceiro", "Partener"):
        assert resolve_role(word).value == "partner", word


@pytest.mark.parametrize(("text", "code"), [
    ("Large company", "ENTERPRISE"), ("Gospodarska družba", "ENTERPRISE"), ("Obchodní společnost", "ENTERPRISE"),
    ("Unternehmen", "ENTERPRISE"), ("Azienda", "ENTERPRISE"), ("Empresa", "ENTERPRISE"), ("Vállalat", "ENTERPRISE"),
    ("Gewerkschaft", "SOCIAL-PARTNER"), ("Arbeitgeberverband", "SOCIAL-PARTNER"),
    ("Związek zawodowy", "SOCIAL-PARTNER"),
    ("Szakszervezet", "SOCIAL-PARTNER"), ("Sindicato", "SOCIAL-PARTNER"), ("Združenje delodajalcev", "SOCIAL-PARTNER"),
    ("Berufsverband", "ASSOCIATION"), ("Associazione di categoria", "ASSOCIATION"),
    ("Stowarzyszenie branżowe", "ASSOCIATION"), ("Profesní svaz", "ASSOCIATION"), ("Poslovno združenje", "ASSOCIATION"),
    ("Sportverein", "SPORT"), ("Klub sportowy", "SPORT"), ("Sportski klub", "SPORT"), ("Club deportivo", "SPORT"),
    ("ASD", "SPORT"), ("Sportegyesület", "SPORT"),
    ("Gruppo informale di giovani", "INFORMAL-GROUP"), ("Informelle Jugendgruppe", "INFORMAL-GROUP"),
    ("Neformálna skupina mladých ľudí", "INFORMAL-GROUP"), ("Grup informal de tineri", "INFORMAL-GROUP"),
    ("Sonstige", "OTHER"), ("Egyéb", "OTHER"), ("Inne", "OTHER"), ("Autre", "OTHER"), ("Altele", "OTHER"),
])
def test_the_other_organisation_types_as_people_write_them(text: str, code: str) -> None:
    assert resolve_type(text) == code


@pytest.mark.parametrize(("text", "code"), [
    # neighbours of the new words keep their meaning: the size, the school level, the NGO legal form
    ("Secondary VET school", "VET"), ("Kleinunternehmen", "SME"), ("Piccola impresa", "SME"), ("Malo poduzeće", "SME"),
    ("Petite et moyenne entreprise", "SME"), ("Udruga", "NGO"), ("Stowarzyszenie", "NGO"), ("Jugendverband", "YOUTH"),
    ("Obrtna zbornica", "CHAMBER"), ("Handwerkskammer", "CHAMBER"),
])
def test_words_near_the_new_types_keep_their_meaning(text: str, code: str) -> None:
    assert resolve_type(text) == code


def test_no_spelling_of_a_type_is_also_a_label_of_another_type_in_the_rules() -> None:
    """organisations.yaml labels and spellings.yaml words meet in one vocabulary; a clash would be a load
    error there, and here it is named: every spelling reads as the type it is listed under."""
    for code, words in spellings.keyed("types").items():
        for word in words:
            assert resolve_type(word) == code, word


@pytest.mark.parametrize(("text", "code"), [
    ("ČR", "CZ"), ("Č. R.", "CZ"), ("CZE", "CZ"), ("Czech Rep.", "CZ"), ("Česká rep.", "CZ"), ("Česko", "CZ"),
    ("SVN", "SI"), ("SLO", "SI"), ("Slovenija", "SI"), ("Slovak Rep.", "SK"), ("Slovensko", "SK"),
    ("CRO", "HR"), ("Hrvatska", "HR"), ("GER", "DE"), ("Deutschland", "DE"), ("Njemačka", "DE"),
    ("Srbija", "RS"), ("The Netherlands", "NL"), ("Nizozemska", "NL"), ("Republic of North Macedonia", "MK"),
    ("Turkey", "TR"), ("Türkiye", "TR"), ("Magyarország", "HU"), ("Polska", "PL"), ("România", "RO"),
    ("La France", "FR"), ("L'Italia", "IT"), ("España", "ES"), ("Portugal", "PT"), ("Österreich", "AT"),
])
def test_country_spellings_of_the_programme_countries(text: str, code: str) -> None:
    assert resolve_country(text) == code


@pytest.mark.parametrize("text", ["CR", "cr", "C.R.", "SR", "MO"])
def test_a_spelling_of_two_countries_is_never_resolved_silently(text: str) -> None:
    with pytest.raises(AmbiguousValueError) as info:
        resolve_country(text)
    assert len(info.value.candidates) == 2


def test_rs_reads_as_serbia_with_a_warning_that_names_slovenia() -> None:
    r = read_country("RS", 2025)
    assert r.code == "RS" and "Slovenia (SI)" in (r.warning or "")


def test_abbreviations_never_shadow_another_countrys_iso_code_or_name() -> None:
    index = _names()[0]
    sp = spellings.countries()
    for key, code in sp.abbreviations.items():
        other = index.get(key)
        assert other in (None, code), f"abbreviation {key!r} → {code} but ISO names say {other}: list it as ambiguous"
    for key, code in sp.exact.items():
        other = index.get(fold(key))
        assert other in (None, code) or fold_compact(key) in sp.ambiguous, \
            f"{key!r} folds to {other}'s name: list the folded spelling as ambiguous"
