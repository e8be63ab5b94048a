"""People type countries, types and roles in English, Slovenian, Czech, German…; all of them resolve."""

from __future__ import annotations

import pytest

from ka2forms import errors
from ka2forms.rules import Role, resolve_country, resolve_role, resolve_type


@pytest.mark.parametrize("text, code", [
    ("SI", "SI"), ("si", "SI"), ("Slovenia", "SI"), ("Slovenija", "SI"), ("SLOVENIJA", "SI"),
    ("Česko", "CZ"), ("Česká republika", "CZ"), ("ceska republika", "CZ"), ("Czech Republic", "CZ"),
    ("Czechia", "CZ"), ("Deutschland", "DE"), ("Nemčija", "DE"), ("Německo", "DE"), ("Österreich", "AT"),
    ("Rakousko", "AT"), ("Türkiye", "TR"), ("Turkey", "TR"), ("Turčija", "TR"),
    ("former Yugoslav Republic of Macedonia", "MK"), ("North Macedonia", "MK"), ("Severna Makedonija", "MK"),
    ("Srbija", "RS"), ("EL", "GR"), ("Greece", "GR"), ("UK", "GB"), ("United Kingdom", "GB"),
    ("Magyarország", "HU"), ("Polska", "PL"), ("Hrvatska", "HR"), ("Slovensko", "SK"),
    ("Slovenská republika", "SK"), ("Schweiz", "CH"), ("Suisse", "CH"), ("Kosovo", "XK"), ("Ísland", "IS"),
])
def test_countries_resolve_from_codes_and_names_in_many_languages(text, code):
    assert resolve_country(text) == code


def test_an_unknown_country_suggests_the_likely_one():
    with pytest.raises(errors.UnknownValueError) as e:
        resolve_country("Slovnia")
    assert "Slovenia (SI)" in str(e.value)


@pytest.mark.parametrize("text, code", [
    ("HEI", "HEI"), ("hei", "HEI"), ("Higher education institution", "HEI"), ("Visokošolski zavod", "HEI"),
    ("Vysoká škola", "HEI"), ("VET provider", "VET"), ("Poklicna šola", "VET"), ("Střední odborná škola", "VET"),
    ("SME", "SME"), ("Malo podjetje", "SME"), ("Malý nebo střední podnik", "SME"), ("Trade union", "SOCIAL-PARTNER"),
    ("Odborový svaz", "SOCIAL-PARTNER"), ("Gospodarska zbornica", "CHAMBER"), ("Hospodářská komora", "CHAMBER"),
    ("social-partner", "SOCIAL-PARTNER"), ("Nevladna organizacija", "NGO"), ("Nevládní organizace", "NGO"),
    ("Sport club", "SPORT"), ("Športno društvo", "SPORT"), ("Sportovní klub", "SPORT"), ("sport", "SPORT"),
    ("Informal group of young people", "INFORMAL-GROUP"), ("Neformalna skupina mladih", "INFORMAL-GROUP"),
    ("Neformální skupina mladých lidí", "INFORMAL-GROUP"), ("informal-group", "INFORMAL-GROUP"),
])
def test_organisation_types_resolve_from_codes_and_labels(text, code):
    assert resolve_type(text) == code


def test_an_unknown_type_lists_the_codes():
    with pytest.raises(errors.UnknownValueError) as e:
        resolve_type("Univerzza")
    assert str(e.value).startswith("unknown organisation type 'Univerzza'")
    assert "HEI" in str(e.value)


@pytest.mark.parametrize("text, role", [
    ("Coordinator", Role.COORDINATOR), ("Koordinator", Role.COORDINATOR), ("Koordinátor", Role.COORDINATOR),
    ("Applicant", Role.COORDINATOR), ("partner", Role.PARTNER), ("Full partner", Role.PARTNER),
    ("Beneficiary", Role.PARTNER), ("Associated partner", Role.ASSOCIATED), ("Pridruženi partner", Role.ASSOCIATED),
    ("Přidružený partner", Role.ASSOCIATED), ("Affiliated entity", Role.AFFILIATED),
    ("Přidružený subjekt", Role.AFFILIATED),
])
def test_roles_resolve_in_english_slovenian_and_czech(text, role):
    assert resolve_role(text) is role
