"""Worksheet functions called the way xlwings calls them: one cell → scalar, numbers as float, empty → None,
a range → list of lists. A wrong input gives a short message in the cell, never a traceback."""

from __future__ import annotations

import pytest

from ka2forms.excel import udfs

HEADER = ["Role", "Organisation", "Country", "City", "Type", "PIC", "OID"]
KA220 = [
    HEADER,
    ["Coordinator", "Univerza v Mariboru – Fakulteta za strojništvo", "Slovenija", "Maribor", "HEI", 999100001.0,
     "E10100001"],
    ["Partner", "Vysoké učení technické v Brně", "Česko", "Brno", "HEI", "999100002", "E10100002"],
    ["Partner", "Politechnika Łódzka", "PL", "Łódź", "HEI", None, None],
    [None, None, None, None, None, None, None],  # an empty row in the range, as Excel passes it
]


def test_eligible_is_true_for_a_valid_consortium_with_floats_and_empty_rows():
    assert udfs.KA2_ELIGIBLE(KA220, "KA220-VET", 2025.0) is True


def test_eligible_is_false_when_a_criterion_fails():
    two_countries = [r[:] for r in KA220]
    two_countries[3][2] = "CZ"
    assert udfs.KA2_ELIGIBLE(two_countries, "KA220-VET", 2025.0) is False


def test_call_year_may_be_text():
    assert udfs.KA2_ELIGIBLE(KA220, "ka220-vet", "2025") is True


def test_check_returns_a_table_with_a_header_that_spills():
    table = udfs.KA2_CHECK(KA220, "KA220-VET", 2025.0)
    assert table[0] == ["Criterion", "Required", "Actual", "OK"]
    assert all(len(row) == 4 for row in table)
    assert table[1][0].startswith("At least 3") and table[1][3] is True
    assert all(not isinstance(row[2], int) or isinstance(row[2], bool) for row in table[1:])  # numbers as float


@pytest.mark.parametrize("args, fragment", [
    ((KA220, "KA22O", 2025.0), "KA2: unknown action 'KA22O'"),
    ((KA220, "KA220-VET", None), "KA2: call year is empty"),
    ((KA220, "KA220-VET", 2025.5), "whole number"),
    ((KA220, "AFI-LOT3", 2025.0), "no rules for AFI-LOT3"),
    (("Partners", "KA220-VET", 2025.0), "a range, not one cell"),
    (([HEADER, ["Coordinator", "X", "SI", "", "Univerzza", None, None]], "KA220-VET", 2025.0),
     "E2: unknown organisation type 'Univerzza'"),
    (([["Organisation", "Country"], ["X", "SI"]], "KA220-VET", 2025.0), "header row lacks columns Role, Type"),
])
def test_a_wrong_input_gives_a_short_message_in_the_cell(args, fragment):
    value = udfs.KA2_ELIGIBLE(*args)
    assert isinstance(value, str) and value.startswith("KA2: ") and fragment in value
    assert "Traceback" not in value and "\n" not in value


def test_country_status_by_year():
    assert udfs.KA2_COUNTRY("Srbija", 2018.0) == "Partner Country, Region 1"
    assert udfs.KA2_COUNTRY("RS", 2019.0) == "Programme Country (non-EU)"
    assert udfs.KA2_COUNTRY("United Kingdom", 2025.0).startswith("third country not associated")
    assert udfs.KA2_COUNTRY("SI") == "EU Member State"  # default: the latest year with country data


def test_country_typo_suggests_the_right_country():
    assert udfs.KA2_COUNTRY("Slovnia", 2025.0) == (
        "KA2: unknown country 'Slovnia' — did you mean Slovenia (SI) or Slovakia (SK)?")


def test_grant_gives_lump_sums_as_a_row_or_a_ceiling_for_the_duration():
    assert udfs.KA2_GRANT("KA220-VET", 2025.0) == [[120000.0, 250000.0, 400000.0]]
    assert udfs.KA2_GRANT("KA220-VET", 2021.0) == [[100000.0, 400000.0]]
    assert udfs.KA2_GRANT("AFI-LOT1", 2025.0, 24.0) == 1000000.0
    assert udfs.KA2_GRANT("AFI-LOT1", 2025.0, 36.0) == 1500000.0
    assert udfs.KA2_GRANT("AFI-LOT1", 2025.0, 30.0).startswith("KA2: duration must be one of 24, 36")
    assert udfs.KA2_GRANT("KA201", 2016.0, 24.0) == 300000.0
    assert udfs.KA2_GRANT("KA210-SCH") == [[30000.0, 60000.0]]  # default: the latest call with rules


def test_version_names_package_and_rules_edition():
    from ka2forms import __version__
    from ka2forms.rules import rules_edition

    assert udfs.KA2_VERSION() == f"ka2forms {__version__}, rules {rules_edition()}"


def test_without_pywin32_the_decorators_leave_plain_functions():
    # On Linux xlwings' decorators are identity functions: the bodies above are what Excel would call.
    assert not hasattr(udfs.KA2_ELIGIBLE, "__xlfunc__")


# ───────────────────────────── travel ─────────────────────────────


def test_travel_distance_and_band_for_one_pair_of_cells():
    assert udfs.KA2_TRAVEL("Ljubljana", "Wien", 2025.0) == 211.0
    assert udfs.KA2_TRAVEL("Ljubljana", "Wien", 2025.0, True) == 285.0
    assert udfs.KA2_BAND("Praha", "Brno", 2025.0) == "100-499"
    assert 180 < udfs.KA2_DISTANCE("Praha", "Brno") < 190


def test_travel_over_a_whole_column_is_one_call_with_blanks_and_errors_in_place():
    froms = [["Ljubljana"], ["Brno, CZ"], [None], ["Ljubjana"], ["Frankfurt"]]
    tos = [["Wien"], ["Kraków"], [None], ["Graz"], ["Köln"]]
    out = udfs.KA2_TRAVEL(froms, tos, 2025.0)
    assert out[0] == [211.0] and out[1] == [211.0] and out[2] == [None]
    assert out[3][0].startswith("KA2: ") and "did you mean Ljubljana" in out[3][0]
    assert out[4][0].startswith("KA2: ") and "ambiguous" in out[4][0] and "Frankfurt (Oder)" in out[4][0]


def test_one_home_town_against_a_column_of_destinations():
    assert udfs.KA2_TRAVEL([["Maribor"]], [["Wien"], ["Lisboa"]], 2019.0) == [[180.0], [360.0]]
    assert udfs.KA2_DISTANCE("Maribor", ["Wien", "Graz"])[1] < 60


def test_ranges_of_different_shapes_are_refused_with_a_message():
    assert udfs.KA2_TRAVEL([["Wien"], ["Graz"]], [["Brno"], ["Praha"], ["Plzeň"]], 2025.0).startswith(
        "KA2: from and to must have the same shape")


def test_no_grant_below_10_km_shows_zero_and_a_year_without_rates_explains_itself():
    assert udfs.KA2_TRAVEL("46.05, 14.51", "46.06, 14.52", 2025.0) == 0.0
    assert udfs.KA2_TRAVEL("Ljubljana", "Wien", 2030.0).startswith("KA2: no rules for travel bands in call year 2030")


def test_ten_thousand_rows_in_one_call():
    towns = ["Ljubljana", "Maribor", "Brno", "Praha", "Wien", "Graz", "Kraków", "Łódź", "Győr", "Zagreb"]
    froms = [[towns[i % 10]] for i in range(10_000)]
    tos = [[towns[(i * 7 + 3) % 10]] for i in range(10_000)]
    out = udfs.KA2_TRAVEL(froms, tos, 2025.0)
    assert len(out) == 10_000 and all(isinstance(r[0], float) for r in out)


def test_worksheet_functions_do_not_import_openpyxl():
    """Excel feels every import on the first formula: parsing a range must not load the workbook library."""
    import subprocess
    import sys

    code = "import sys, ka2forms.udfs as u; u.KA2_ELIGIBLE([['Role','Organisation','Country','Type']," \
           "['Coordinator','X','SI','HEI']], 'KA210-SCH', 2024); print('openpyxl' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


# ───────────────────────────── budget planning ─────────────────────────────

PLAN = [["Activity", "Organisation", "From", "To", "Participants", "Green"],
        ["Kick-off", "Müller GmbH", "Köln", "Celje", 2.0, None],
        [None, None, None, None, None, None],
        ["Pilot", "Šolski center Celje", None, "Győr", 3.0, "yes"]]
PARTNERS = [["Role", "Organisation", "Country", "City", "Type"],
            ["Coordinator", "Šolski center Celje", "SI", "Celje", "VET"],
            ["Partner", "Müller GmbH", "DE", "Köln", "SME"],
            ["Partner", "Győri SZC", "HU", "Győr", "VET"]]


def test_ka2_travel_plan_gives_each_row_its_total_beside_it_and_leaves_blank_rows_blank() -> None:
    got = udfs.KA2_TRAVEL_PLAN(PLAN, 2025.0, PARTNERS)
    assert got[0] == ["Total (EUR)"] and got[2] == [None]
    assert got[1] == [2 * 309.0]                                   # Köln → Celje, 500–1999 km, 2025 rates
    assert isinstance(got[3][0], float) and got[3][0] > 0         # Celje (from Partners) → Győr, green


def test_ka2_travel_plan_without_a_from_place_or_partners_says_so_in_the_row() -> None:
    got = udfs.KA2_TRAVEL_PLAN(PLAN, 2025.0)
    assert got[3][0].startswith("KA2: no place to travel from")


def test_ka2_budget_check_is_a_table_with_the_total_and_its_verdict() -> None:
    budget = [["Work package", "Šolski center Celje", "Müller GmbH", "Győri SZC"],
              ["Project management", 20000.0, 10000.0, 10000.0], ["Curriculum", 60000.0, 40000.0, 30000.0],
              ["Pilots", 30000.0, 30000.0, 20000.0]]
    got = udfs.KA2_BUDGET_CHECK(budget, "KA220-VET", 2025.0, 250000.0, PARTNERS)
    assert got[0] == ["Check", "Required", "Actual", "OK"]
    assert got[-1] == ["Total (EUR)", None, 250000.0, True]
    assert all(row[3] is True for row in got[1:])
    budget[1][1] = 40000.0                                          # management now 60 000 of 250 000
    got = udfs.KA2_BUDGET_CHECK(budget, "KA220-VET", 2025.0, 250000.0)
    assert got[-1][3] is False
    assert udfs.KA2_BUDGET_CHECK([["Work package", "X"], ["PM", -5.0]], "KA220-VET", 2025.0).startswith("KA2: B2")


# ───────────────────────────── the optional trailing language argument ─────────────────────────────


def test_check_table_in_the_language_asked_for_and_english_by_default():
    english = udfs.KA2_CHECK(KA220, "KA220-VET", 2025.0)
    assert english[0] == ["Criterion", "Required", "Actual", "OK"]
    sl = udfs.KA2_CHECK(KA220, "KA220-VET", 2025.0, "sl")
    assert sl[0] == ["Merilo", "Zahtevano", "Dejansko", "OK"]
    assert sl[1][0] == "Najmanj 3 polnopravni partnerji"
    cs = udfs.KA2_CHECK(KA220, "KA220-VET", 2025.0, "cs-CZ")
    assert cs[1][0] == "Alespoň 3 řádní partneři"
    assert [row[3] for row in sl] == [row[3] for row in english]   # the same verdicts, only the words differ


def test_messages_in_the_language_asked_for():
    assert udfs.KA2_COUNTRY("Srbija", 2018.0, "sl") == "partnerska država, regija 1"
    assert udfs.KA2_COUNTRY("Slovnia", 2025.0, "cs").startswith("KA2: neznámá země 'Slovnia'")
    assert udfs.KA2_ELIGIBLE(KA220, "KA220-VET", None, "de") == "KA2: call year is empty".replace(
        "call year is empty", "Aufrufjahr ist leer")
    assert udfs.KA2_COUNTRY("SI", None, "fr").startswith("KA2: unknown language 'fr'")
    assert udfs.KA2_COUNTRY("SI", None, "") == "EU Member State"


# ───────────────────────────── lang as the last argument of every function with words ─────────────────────────────


def test_every_function_with_words_takes_lang_last_and_keeps_its_arguments():
    """Interfaces are promises: lang is added at the end, optional; the arguments before it are unchanged."""
    import inspect

    before = {"KA2_GRANT": ["action", "call_year", "duration"], "KA2_TRAVEL": ["from_place", "to_place",
              "call_year", "green"], "KA2_DISTANCE": ["from_place", "to_place"], "KA2_BAND": ["from_place",
              "to_place", "call_year"], "KA2_TRAVEL_PLAN": ["plan", "call_year", "partners", "action"],
              "KA2_BUDGET_CHECK": ["budget", "action", "call_year", "requested_grant", "partners", "duration"],
              "KA2_CHECK": ["partners", "action", "call_year"], "KA2_ELIGIBLE": ["partners", "action", "call_year"],
              "KA2_COUNTRY": ["country", "call_year"]}
    for name, args in before.items():
        params = inspect.signature(getattr(udfs, name)).parameters
        assert list(params) == [*args, "lang"], name
        assert params["lang"].default is None, name


def test_travel_messages_in_the_language_asked_for():
    assert udfs.KA2_TRAVEL("Ljubljana", "Praha", 2025.0, None, "sl") == udfs.KA2_TRAVEL("Ljubljana", "Praha", 2025.0)
    assert udfs.KA2_DISTANCE([["Ljubljana"], ["Brno"]], [["Wien"], ["Graz"], ["Linz"]], "sl") == (
        "KA2: od in do morata imeti enako obliko (2×1 proti 3×1) ali pa je eden od njiju ena celica")
    assert udfs.KA2_DISTANCE([["Ljubljana"], ["Brno"]], [["Wien"], ["Graz"], ["Linz"]]).startswith(
        "KA2: from and to must have the same shape")
    assert udfs.KA2_BAND("Ljubljana", "Atlantisxx", 2025.0, "cs").startswith("KA2: pole 'kam': ")
    assert udfs.KA2_BAND("Ljubljana", "Praha", 2025.0, "xx").startswith("KA2: unknown language 'xx'")


def test_a_travel_argument_is_named_in_the_language_of_the_call():
    """"od"/"do", as the shape message names them, not the code names "from"/"to"; English stays as it was
    (the web add-in's messages agree with these)."""
    assert udfs.KA2_DISTANCE("Atlantisxx", "Ljubljana", "sl").startswith("KA2: polje 'od': neznan kraj ")
    assert udfs.KA2_DISTANCE("Ljubljana", "Atlantisxx", "sl").startswith("KA2: polje 'do': neznan kraj ")
    assert udfs.KA2_DISTANCE("Ljubljana", "Atlantisxx", "de").startswith("KA2: Feld 'nach': unbekannter Ort ")
    assert udfs.KA2_DISTANCE("Ljubljana", "Atlantisxx").startswith("KA2: field 'to': unknown place ")


def test_grant_messages_in_the_language_asked_for():
    assert udfs.KA2_GRANT("AFI-LOT1", 2025.0, 7.0, "de") == "KA2: die Laufzeit muss eine von 24, 36 Monaten sein"
    assert udfs.KA2_GRANT("AFI-LOT1", 2025.0, 7.0) == "KA2: duration must be one of 24, 36 months"
    assert udfs.KA2_GRANT("KA220-VET", 2025.0, None, "cs") == udfs.KA2_GRANT("KA220-VET", 2025.0)   # numbers stay
    assert udfs.KA2_GRANT("KA220-VET", None, None, "sl") == udfs.KA2_GRANT("KA220-VET")


def test_plan_and_budget_tables_in_the_language_asked_for():
    sl = udfs.KA2_TRAVEL_PLAN(PLAN, 2025.0, PARTNERS, None, "sl")
    assert sl[0] == ["Skupaj (EUR)"] and sl[1:] == udfs.KA2_TRAVEL_PLAN(PLAN, 2025.0, PARTNERS)[1:]
    budget = [["Work package", "Šolski center Celje", "Müller GmbH", "Győri SZC"],
              ["Project management", 20000.0, 10000.0, 10000.0], ["Curriculum", 60000.0, 40000.0, 30000.0]]
    cs = udfs.KA2_BUDGET_CHECK(budget, "KA220-VET", 2025.0, 170000.0, PARTNERS, None, "cs")
    en = udfs.KA2_BUDGET_CHECK(budget, "KA220-VET", 2025.0, 170000.0, PARTNERS)
    assert cs[0] == ["Kontrola", "Požadováno", "Skutečnost", "OK"] and cs[-1][0] == "Celkem (EUR)"
    assert [r[3] for r in cs] == [r[3] for r in en] and cs[1][0] != en[1][0]
