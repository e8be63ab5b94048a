"""Places not found by their own name are never silent: how each was found is in the result (JSON
``resolved``) and on stderr; a small place's other name is a warning; an address resolves to its town."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ka2forms.cli import main
from ka2forms.errors import UnknownPlaceError
from ka2forms.places import resolve_place


def test_jezersko_is_not_silently_jezerski_in_bosnia() -> None:
    m = resolve_place("Jezersko")

    assert (m.place.name, m.place.country, m.match) == ("Jezerski", "BA", "alternate name")
    assert any("'Jezersko' is one of the other names of Jezerski" in w and "check it is the place meant" in w
               for w in m.warnings)


def test_a_large_places_other_name_is_recorded_without_a_warning() -> None:
    m = resolve_place("Laibach")

    assert (m.place.name, m.match, m.warnings) == ("Ljubljana", "alternate name", ())


def test_travel_json_says_how_each_place_was_resolved_and_stderr_says_it_too() -> None:
    result = CliRunner().invoke(main, ["travel", "Jezersko", "Ljubljana", "--json"])

    data = json.loads(result.stdout)
    assert data["resolved"]["from"] == {"query": "Jezersko", "match": "alternate name", "how": "alternate name",
                                        "name": "Jezerski", "country": "BA", "candidates": []}
    assert data["resolved"]["to"]["match"] == "name"
    assert "'Jezersko' was read as Jezerski (BA) by another of its names" in result.stderr


@pytest.mark.parametrize(("address", "town", "country"), [
    ("Trg republike 3, Ljubljana", "Ljubljana", "SI"),
    ("1000 Ljubljana", "Ljubljana", "SI"),
    ("SI-1000 Ljubljana", "Ljubljana", "SI"),
    ("CZ-602 00 Brno", "Brno", "CZ"),
    ("Náměstí Svobody 1, 602 00 Brno", "Brno", "CZ"),
    ("Brno 602 00", "Brno", "CZ"),
    ("Trg republike 3, Ljubljana, SI", "Ljubljana", "SI"),      # the country part is not a town ("Si")
    ("Hauptstraße 5, 50667 Köln, Deutschland", "Köln", "DE"),
])
def test_an_address_or_postal_code_resolves_to_its_town_with_a_note(address: str, town: str, country: str) -> None:
    m = resolve_place(address)

    assert (m.place.name, m.place.country, m.match) == (town, country, "address")
    assert any("read as an address" in n for n in m.notes)


def test_a_text_without_a_number_is_not_read_as_an_address() -> None:
    with pytest.raises(UnknownPlaceError):
        resolve_place("Ljubljana, HR")
