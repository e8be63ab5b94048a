"""The pairs file of ``travel --csv``: header by name, sniffed delimiter, and a problem per bad row."""

from __future__ import annotations

from pathlib import Path

import pytest

from ka2forms.errors import InputError
from ka2forms.readers.travel_csv import parse_green, parse_year, read_pairs


def pairs(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "pairs.csv"
    p.write_text(text, encoding="utf-8")
    return p


def test_columns_are_found_by_name_in_any_order_and_case(tmp_path: Path) -> None:
    rows = read_pairs(pairs(tmp_path, "Green;TO;From;year\nyes;Wien;Ljubljana;2025\n"))
    assert (rows[0].from_text, rows[0].to_text, rows[0].year, rows[0].green) == ("Ljubljana", "Wien", 2025, True)


def test_row_numbers_are_those_a_spreadsheet_shows(tmp_path: Path) -> None:
    rows = read_pairs(pairs(tmp_path, "from,to\nA,B\n\nC,D\n"))
    assert [r.line for r in rows] == [2, 4]


@pytest.mark.parametrize(("text", "year"), [("2025", 2025), ("2025.0", 2025), (" 2019 ", 2019), ("", None)])
def test_whole_years_are_read(text: str, year: int | None) -> None:
    assert parse_year(text) == year


@pytest.mark.parametrize("text", ["2025.5", "twenty", "-2025", "2025,5"])
def test_a_year_that_is_not_a_whole_number_is_a_row_problem_never_rounded(text: str) -> None:
    with pytest.raises(InputError, match="whole number"):
        parse_year(text)


@pytest.mark.parametrize(("text", "green"), [("ja", True), ("Ne", False), ("✓", True), ("", None), ("0", False)])
def test_green_is_read_from_yes_no_words_in_several_languages(text: str, green: bool | None) -> None:
    assert parse_green(text) == green


def test_bad_rows_keep_their_problem_and_the_others_are_read(tmp_path: Path) -> None:
    rows = read_pairs(pairs(tmp_path, "from,to,year,green\nA,B,2025.5,\nA,,2025,\nA,B,2025,maybe\nA,B,,\n"))
    assert [r.problem for r in rows] == ["year must be a whole number, not '2025.5'",
                                         "both 'from' and 'to' are needed", "green must be yes/no, not 'maybe'",
                                         None]


@pytest.mark.parametrize(("text", "message"), [("", "empty file"), ("a,b\n1,2\n", "'from' and 'to'")])
def test_a_file_without_pairs_is_an_input_error_naming_it(tmp_path: Path, text: str, message: str) -> None:
    path = pairs(tmp_path, text)
    with pytest.raises(InputError, match=message) as e:
        read_pairs(path)
    assert e.value.where.file == str(path)


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_pairs(tmp_path / "missing.csv")


def test_from_and_to_country_columns_are_read_in_any_spelling_and_a_bad_one_is_the_rows_problem(
        tmp_path: Path) -> None:
    rows = read_pairs(pairs(tmp_path, "from;to;from_country;to_country\nJezersko;Praha;Slovenija;CZE\n"
                                      "Celje;Brno;Atlantis;\n"))
    assert (rows[0].from_country, rows[0].to_country, rows[0].problem) == ("SI", "CZ", None)
    assert rows[1].problem is not None and "Atlantis" in rows[1].problem


def test_travel_csv_puts_each_rows_countries_places_first(tmp_path: Path) -> None:
    from ka2forms.services.travel import travel_rows

    out = travel_rows(read_pairs(pairs(tmp_path, "from;to;from_country\nJezersko;Praha;SI\nJezersko;Praha;\n")))
    assert (out[0]["from_name"], out[0]["from_country"]) == ("Zgornje Jezersko", "SI")
    assert "is not a place name in SI" in out[0]["warnings"]
    assert out[1]["from_country"] == "BA"        # no country given: the general policy, with its own warning
    assert "check it is the place meant" in out[1]["warnings"]
