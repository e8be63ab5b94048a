"""The organisation's own country first: ``resolve_place(..., prefer=CC)``, ``travel --from-country``.

A town name shared by several countries resolves in the organisation's country; a name found only elsewhere,
or only as a close spelling there, is taken with a warning that names the candidates; a country written in
the text itself wins over the preference.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ka2forms.cli import main
from ka2forms.errors import AmbiguousPlaceError, UnknownPlaceError
from ka2forms.places import resolve_place


def test_jezersko_for_a_slovenian_organisation_is_zgornje_jezersko_with_a_warning_naming_the_bosnian_one() -> None:
    m = resolve_place("Jezersko", prefer="SI")

    assert (m.place.name, m.place.country, m.match, m.how) == ("Zgornje Jezersko", "SI", "fuzzy", "fuzzy")
    assert m.candidates == ("Jezerski, Federacija Bosne i Hercegovine, BA",)
    assert any("'Jezersko' is not a place name in SI: took Zgornje Jezersko" in w and "Jezerski" in w
               for w in m.warnings)


def test_a_misspelt_town_in_the_organisations_country_is_its_close_spelling_with_a_warning() -> None:
    m = resolve_place("Ljubjlana", prefer="SI")

    assert (m.place.name, m.match) == ("Ljubljana", "fuzzy")
    assert m.warnings and "check it is the place meant" in m.warnings[0]


def test_without_a_preferred_country_a_misspelt_town_stays_an_error_with_suggestions() -> None:
    with pytest.raises(UnknownPlaceError) as e:
        resolve_place("Ljubjlana")
    assert "Ljubljana, SI" in e.value.suggestions


def test_a_name_shared_by_several_countries_resolves_in_the_preferred_one_with_a_warning_where_it_decided() -> None:
    m = resolve_place("Nova Gorica", prefer="SI")
    assert (m.place.name, m.place.country, m.warnings) == ("Nova Gorica", "SI", ())

    london = resolve_place("London", prefer="CA")   # the preference, not the general policy, chose: check it
    assert (london.place.country, london.place.admin1) == ("CA", "Ontario")
    assert any("taken in CA, the organisation's country" in w and "London, England, GB" in w for w in london.warnings)
    assert "London, England, GB" in london.candidates


def test_a_preference_the_general_policy_agrees_with_adds_no_note() -> None:
    m = resolve_place("Valencia", prefer="ES")

    assert (m.place.country, m.notes, m.warnings) == ("ES", (), ())


def test_a_town_found_only_outside_the_preferred_country_is_taken_with_a_warning() -> None:
    m = resolve_place("Nova Gorica", prefer="IT")

    assert (m.place.name, m.place.country) == ("Nova Gorica", "SI")
    assert any("no place called 'Nova Gorica' in IT (the organisation's country)" in w for w in m.warnings)


def test_a_country_written_with_the_name_wins_over_the_preference() -> None:
    m = resolve_place("Brno, CZ", prefer="SI")

    assert (m.place.name, m.place.country, m.warnings) == ("Brno", "CZ", ())


def test_several_equally_close_names_in_the_preferred_country_are_refused_with_the_candidates() -> None:
    with pytest.raises(AmbiguousPlaceError) as e:
        resolve_place("Slovenskih Goricah", prefer="SI")
    assert len(e.value.candidates) >= 2


@pytest.mark.parametrize(("text", "how"), [
    ("Kranj", "exact"), ("kranj", "folded"), ("Novo mesto", "folded"), ("Laibach", "alternate name"),
    ("1000 Ljubljana", "postal code"), ("SI-1000 Ljubljana", "postal code"), ("CZ-602 00 Brno", "postal code"),
    ("Trg republike 3, Ljubljana", "address"), ("Trg republike 3, 1000 Ljubljana", "address"),
    ("46.05, 14.51", "coordinates"),
])
def test_how_each_place_was_found_is_named_finely(text: str, how: str) -> None:
    assert resolve_place(text).how == how


def test_travel_from_country_puts_the_organisations_country_first_and_says_how_on_stderr_and_in_json() -> None:
    result = CliRunner().invoke(main, ["travel", "Jezersko", "Praha", "--from-country", "Slovenija", "--json"])

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["from"]["name"] == "Zgornje Jezersko"
    assert data["resolved"]["from"]["how"] == "fuzzy"
    assert data["resolved"]["from"]["candidates"] == ["Jezerski, Federacija Bosne i Hercegovine, BA"]
    assert any("is not a place name in SI" in w for w in data["warnings"])
    assert "'Jezersko' was read as Zgornje Jezersko (SI) as a close spelling" in result.stderr


def test_an_unknown_from_country_is_bad_input_naming_the_option() -> None:
    result = CliRunner().invoke(main, ["travel", "Celje", "Praha", "--from-country", "Atlantis"])

    assert result.exit_code == 2
    assert "--from-country" in result.stderr
