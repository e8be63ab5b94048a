"""The partner-workbook reader: real .xlsx files in, a normalised Project out, or every problem with its cell.

Every workbook here is written by openpyxl into ``tmp_path`` (see ``tests/workbooks.py``).
Column letters of the default Partners header: A Role, B Organisation, C Country, D City, E Type, F PIC,
G OID; partner rows are 2, 3 and 4. Project rows: Action 1, Call year 2, Title 3, Acronym 4, Duration 5,
Requested grant 6.
"""

from __future__ import annotations

import contextlib
import os
import unicodedata
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from workbooks import (
    HEADER,
    MINIMAL_WORKBOOK_XML,
    OMIT,
    good_rows,
    make_workbook,
    partners_with,
    project_with,
    row,
    zip_file,
)

from ka2forms.errors import InputError, Location, WorkbookError, WorkbookInvalid
from ka2forms.model import Partner, Project
from ka2forms.readers.workbook import read_workbook
from ka2forms.rules import Role


def invalid(path: Path) -> WorkbookInvalid:
    """The WorkbookInvalid that reading ``path`` must raise."""
    with pytest.raises(WorkbookInvalid) as info:
        read_workbook(path)
    return info.value


def unreadable(path: Path) -> WorkbookError:
    """The file-level WorkbookError (not WorkbookInvalid) that reading ``path`` must raise."""
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    return info.value


def only_problem(path: Path) -> Any:
    error = invalid(path)
    assert len(error.problems) == 1, [str(p) for p in error.problems]
    return error.problems[0]


def assert_problem_at(path: Path, sheet: str, cell: str, message: str) -> None:
    """Reading ``path`` fails with exactly one problem, at ``sheet!cell``, whose message contains ``message``."""
    problem = only_problem(path)
    assert problem.where == Location(file=str(path), sheet=sheet, cell=cell), str(problem)
    assert str(problem).startswith(f"{path}: {sheet}!{cell}: "), str(problem)
    assert message in str(problem), str(problem)


def partners_of(project: Project) -> dict[str, Partner]:
    return {p.organisation: p for p in project.partners}


# ─────────────────────────────────────── good workbooks ───────────────────────────────────────


def test_good_english_workbook_reads_into_project_with_normalised_partners(good_workbook: Path) -> None:
    project = read_workbook(good_workbook)

    assert project.action == "KA220-VET"
    assert project.call_year == 2025
    assert project.source == str(good_workbook)
    assert [(p.role, p.organisation, p.country, p.city, p.org_type, p.pic, p.oid) for p in project.partners] == [
        (Role.COORDINATOR, "Šolski center Celje", "SI", "Celje", "VET", "948615302", "E10119846"),
        (Role.PARTNER, "Müller Präzisionstechnik GmbH", "DE", "Köln", "SME", "892147635", "E10301458"),
        (Role.PARTNER, "Győri Szakképzési Centrum", "HU", "Győr", "VET", None, "E10198452"),
    ]
    assert project.coordinator is not None and project.coordinator.organisation == "Šolski center Celje"


def test_optional_project_fields_are_read_with_their_types(good_workbook: Path) -> None:
    project = read_workbook(good_workbook)

    assert project.title == "Robotics Labs for Mechatronics Apprentices"
    assert project.acronym == "ROBOVET"
    assert project.duration_months == 24 and isinstance(project.duration_months, int)
    assert project.requested_grant == Decimal("250000") and isinstance(project.requested_grant, Decimal)


def test_optional_project_fields_may_be_left_out(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, project={"Action": "KA220-VET", "Call year": 2025})

    project = read_workbook(path)

    assert (project.title, project.acronym, project.duration_months, project.requested_grant) == (None,) * 4
    assert len(project.partners) == 3


def test_project_remembers_the_cells_its_values_came_from(good_workbook: Path) -> None:
    project = read_workbook(good_workbook)

    assert project.cells["action"] == Location(file=str(good_workbook), sheet="Project", cell="B1")
    assert project.cells["call_year"] == Location(file=str(good_workbook), sheet="Project", cell="B2")
    assert project.cells["requested_grant"].cell == "B6"


def test_each_partner_remembers_the_cell_of_its_organisation_name(good_workbook: Path) -> None:
    project = read_workbook(good_workbook)

    assert [(p.where.sheet, p.where.cell) for p in project.partners] == [
        ("Partners", "B2"), ("Partners", "B3"), ("Partners", "B4")]


def test_headers_are_found_in_any_column_order(tmp_path: Path) -> None:
    order = [6, 4, 2, 0, 5, 1, 3]  # OID, Type, Country, Role, PIC, Organisation, City
    rows = [[r[i] for i in order] for r in [HEADER, *good_rows()]]
    path = make_workbook(tmp_path, partners=rows)

    project = read_workbook(path)

    ours = read_workbook(make_workbook(tmp_path, name="same-in-default-order.xlsx"))
    assert [(p.role, p.organisation, p.country, p.city, p.org_type, p.pic, p.oid) for p in project.partners] == \
        [(p.role, p.organisation, p.country, p.city, p.org_type, p.pic, p.oid) for p in ours.partners]
    assert project.partners[0].where.cell == "F2"  # the Organisation column is now F


def test_header_matching_ignores_case_spaces_and_diacritics(tmp_path: Path) -> None:
    header = ["VLOGA", "ORGANIZACIJA", " drzava ", "mesto", "Vrsta  organizacije", "pic", " Oid "]
    path = make_workbook(tmp_path, partners=partners_with(header=header))

    project = read_workbook(path)

    assert [p.country for p in project.partners] == ["SI", "DE", "HU"]
    assert [p.city for p in project.partners] == ["Celje", "Köln", "Győr"]
    assert project.partners[0].pic == "948615302" and project.partners[0].oid == "E10119846"


def test_slovenian_workbook_reads_with_slovenian_labels_headers_and_roles(tmp_path: Path) -> None:
    project_rows = {"Ukrep": "KA210-SCH", "Leto razpisa": 2024, "Naslov": "Gibalni odmori za zdrave učence",
                    "Akronim": "MOVEBREAK", "Trajanje (meseci)": 18, "Zaprošena sredstva (EUR)": 60000}
    partners = [
        ["Vloga", "Organizacija", "Država", "Mesto", "Vrsta organizacije", "PIC", "OID"],
        ["Koordinator", "Osnovna šola Škofja Loka – Mesto", "Slovenija", "Škofja Loka", "Osnovna šola", None,
         "E10152203"],
        ["Partner", "Základní škola Plzeň", "Česko", "Plzeň", "Šola", "945917364", None],
        ["Pridruženi partner", "Mestna občina Škofja Loka", "SI", "Škofja Loka", "Občina", None, None],
    ]
    path = make_workbook(tmp_path, project=project_rows, partners=partners, project_sheet="Projekt",
                         partners_sheet="Partnerji")

    project = read_workbook(path)

    assert (project.action, project.call_year, project.title, project.acronym) == (
        "KA210-SCH", 2024, "Gibalni odmori za zdrave učence", "MOVEBREAK")
    assert (project.duration_months, project.requested_grant) == (18, Decimal("60000"))
    assert [(p.role, p.country, p.org_type, p.city) for p in project.partners] == [
        (Role.COORDINATOR, "SI", "SCHOOL", "Škofja Loka"),
        (Role.PARTNER, "CZ", "SCHOOL", "Plzeň"),
        (Role.ASSOCIATED, "SI", "PUBLIC", "Škofja Loka"),
    ]


def test_czech_workbook_reads_with_czech_labels_headers_and_roles(tmp_path: Path) -> None:
    project_rows = {"Akce": "KA202", "Rok výzvy": 2018, "Název": "Moderní svařovací technologie",
                    "Akronym": "WELDTECH", "Doba trvání (měsíce)": 24, "Požadovaný grant (EUR)": 150000}
    partners = [
        ["Organizace", "Role", "Země", "Město", "Typ organizace", "OID", "PIC"],
        ["Střední průmyslová škola České Budějovice", "Koordinátor", "Česká republika", "České Budějovice",
         "Střední odborná škola", None, "949160287"],
        ["Stredná odborná škola technická, Košice", "Partner", "Slovensko", "Košice", "VET", None, "946104793"],
        ["Hospodářská komora České republiky", "Přidružený partner", "CZ", "Praha", "Hospodářská komora", None,
         None],
    ]
    path = make_workbook(tmp_path, project=project_rows, partners=partners, project_sheet="Projekt",
                         partners_sheet="Partneři")

    project = read_workbook(path)

    assert (project.action, project.call_year, project.title, project.acronym, project.duration_months) == (
        "KA202", 2018, "Moderní svařovací technologie", "WELDTECH", 24)
    assert project.requested_grant == Decimal("150000")
    assert [(p.role, p.country, p.org_type, p.pic) for p in project.partners] == [
        (Role.COORDINATOR, "CZ", "VET", "949160287"),
        (Role.PARTNER, "SK", "VET", "946104793"),
        (Role.ASSOCIATED, "CZ", "CHAMBER", None),
    ]
    assert project.partners[0].where.cell == "A2"  # Organizace is column A here


@pytest.mark.parametrize(("label", "role"), [
    ("Koordinator", Role.COORDINATOR),
    ("Koordinátor", Role.COORDINATOR),
    ("coordinator", Role.COORDINATOR),
    ("Pridruženi partner", Role.ASSOCIATED),
    ("Přidružený partner", Role.ASSOCIATED),
    ("Affiliated entity", Role.AFFILIATED),
])
def test_role_labels_in_english_slovenian_and_czech_resolve_to_roles(tmp_path: Path, label: str, role: Role) -> None:
    path = make_workbook(tmp_path, partners=partners_with(row(4, role=label)))

    assert read_workbook(path).partners[2].role is role


@pytest.mark.parametrize(("written", "code"), [
    ("Slovenija", "SI"),
    ("Česko", "CZ"),
    ("Česká republika", "CZ"),
    ("Deutschland", "DE"),
    ("Österreich", "AT"),
    ("Türkiye", "TR"),
    ("former Yugoslav Republic of Macedonia", "MK"),
    ("EL", "GR"),
    ("UK", "GB"),
    ("  slovenija ", "SI"),
])
def test_country_names_in_any_language_read_as_iso_codes(tmp_path: Path, written: str, code: str) -> None:
    path = make_workbook(tmp_path, partners=partners_with(row(3, country=written)))

    assert read_workbook(path).partners[1].country == code


@pytest.mark.parametrize("written", [2025, 2025.0, "2025", " 2025 "])
def test_call_year_written_as_number_float_or_text_reads_as_a_whole_number(tmp_path: Path, written: Any) -> None:
    path = make_workbook(tmp_path, project=project_with(call_year=written))

    year = read_workbook(path).call_year

    assert year == 2025 and type(year) is int


@pytest.mark.parametrize("written", ["250.000,00 €", "250,000.00", "250 000", "250000 EUR", 250000.0])
def test_grant_written_as_text_in_either_convention_reads_as_decimal(tmp_path: Path, written: Any) -> None:
    path = make_workbook(tmp_path, project=project_with(grant=written))

    grant = read_workbook(path).requested_grant

    assert isinstance(grant, Decimal) and grant == Decimal("250000.00")


def test_grant_with_cents_keeps_the_cents(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, project=project_with(grant="1.234.567,89 €"))

    assert read_workbook(path).requested_grant == Decimal("1234567.89")


@pytest.mark.parametrize("written", [949876543, 949876543.0, "949 876 543", "949876543", "949\u00a0876\u00a0543"])
def test_pic_written_as_number_or_spaced_text_reads_as_nine_digits(tmp_path: Path, written: Any) -> None:
    path = make_workbook(tmp_path, partners=partners_with(row(2, pic=written)))

    assert read_workbook(path).partners[0].pic == "949876543"


@pytest.mark.parametrize("written", ["E10119846", "e10119846", " E 1011 9846 "])
def test_oid_is_normalised_to_capital_e_and_eight_digits(tmp_path: Path, written: str) -> None:
    path = make_workbook(tmp_path, partners=partners_with(row(2, oid=written)))

    assert read_workbook(path).partners[0].oid == "E10119846"


def test_type_labels_resolve_to_type_codes(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, partners=partners_with(
        row(2, type="Higher education institution"), row(3, type="Small or medium enterprise"),
        row(4, type="Gospodarska zbornica")))

    assert [p.org_type for p in read_workbook(path).partners] == ["HEI", "SME", "CHAMBER"]


def test_extra_columns_and_extra_project_rows_are_ignored(tmp_path: Path) -> None:
    project_rows = [["Notes", "sent by e-mail on 3 March"], ["Action", "KA220-VET"], [None, None],
                    ["Contact", "ana@example.org"], ["Call year", 2025], ["Budget comment", "see annex"]]
    header = ["Notes", *HEADER, "Contact person"]
    rows = [["first partner", *good_rows()[0], "Ana"], [None, *good_rows()[1], "Jan"],
            ["late", *good_rows()[2], None]]
    path = make_workbook(tmp_path, project=project_rows, partners=[header, *rows])

    project = read_workbook(path)

    assert (project.action, project.call_year, project.title) == ("KA220-VET", 2025, None)
    assert [p.organisation for p in project.partners] == [r[1] for r in good_rows()]
    assert project.partners[0].where.cell == "C2"


def test_blank_rows_between_partners_are_skipped(tmp_path: Path) -> None:
    rows = good_rows()
    path = make_workbook(tmp_path, partners=[HEADER, rows[0], [None] * 7, [], rows[1], [None, None, "  "], rows[2]])

    project = read_workbook(path)

    assert [p.organisation for p in project.partners] == [r[1] for r in rows]
    assert [p.where.cell for p in project.partners] == ["B2", "B5", "B7"]


def test_header_row_may_follow_blank_rows(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, partners=[[], [None], HEADER, *good_rows()])

    project = read_workbook(path)

    assert [p.where.cell for p in project.partners] == ["B4", "B5", "B6"]


# ─────────────────────────────────── Central-European text ───────────────────────────────────

CENTRAL_EUROPEAN_NAMES = [
    "Žilinská univerzita – Katedra čšž",
    "Řemeslná komora Ústí, ěů",
    "Győri Műszaki Szakképzési Centrum – ő ű",
    "Politechnika Łódzka – Wydział Łączności",
    "Großwerk Straßenbau GmbH",
]


def test_central_european_organisation_names_read_back_exactly(tmp_path: Path) -> None:
    rows = [["Coordinator", CENTRAL_EUROPEAN_NAMES[0], "SK", "Žilina", "HEI"],
            *[["Partner", name, "CZ", "Ústí nad Labem", "SME"] for name in CENTRAL_EUROPEAN_NAMES[1:]]]
    path = make_workbook(tmp_path, partners=[HEADER[:5], *rows],
                         project=project_with(title="Vzdělávání řemeslníků – Łódź & Győr"))

    project = read_workbook(path)

    names = [p.organisation for p in project.partners]
    assert names == CENTRAL_EUROPEAN_NAMES
    assert all(unicodedata.is_normalized("NFC", n) for n in names)
    assert project.title == "Vzdělávání řemeslníků – Łódź & Győr"
    assert project.partners[0].city == "Žilina"


def test_workbook_whose_file_name_has_diacritics_reads_and_is_named_exactly(tmp_path: Path) -> None:
    name = "Žilina–Łódź_ßř.xlsx"
    path = make_workbook(tmp_path, name=name, partners=partners_with(row(2, organisation=CENTRAL_EUROPEAN_NAMES[1])))

    project = read_workbook(tmp_path / name)

    assert project.partners[0].organisation == CENTRAL_EUROPEAN_NAMES[1]
    assert project.source == str(path) and project.source.endswith(name)


def test_problems_in_a_file_whose_name_has_diacritics_name_that_file(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, name="Žilina–Łódź_ßř.xlsx", partners=partners_with(row(3, type="Univerzza")))

    assert str(invalid(path)).startswith(f"{tmp_path / 'Žilina–Łódź_ßř.xlsx'}: Partners!E3: ")


# ─────────────────────────────────── problems in cells ───────────────────────────────────


@pytest.mark.parametrize(("changes", "cell", "message"), [
    ({"type": "Univerzza"}, "E3", "unknown organisation type 'Univerzza'"),
    ({"country": "Atlantis"}, "C3", "unknown country 'Atlantis'"),
    ({"country": "Slovnia"}, "C3", "unknown country 'Slovnia' — did you mean Slovenia (SI)"),
    ({"role": "Boss"}, "A3", "unknown role 'Boss'"),
    ({"organisation": None}, "B3", "missing organisation"),
    ({"organisation": "   "}, "B3", "missing organisation"),
    ({"country": None}, "C3", "missing country"),
    ({"role": None}, "A3", "missing role"),
    ({"type": None}, "E3", "missing type"),
    ({"pic": "94987654"}, "F3", "malformed PIC '94987654': a PIC has exactly 9 digits"),
    ({"pic": 94987654}, "F3", "malformed PIC '94987654'"),
    ({"pic": "9498765432"}, "F3", "malformed PIC '9498765432'"),
    ({"pic": "PIC949876"}, "F3", "malformed PIC 'PIC949876'"),
    ({"oid": "E1234567"}, "G3", "malformed OID 'E1234567': an OID is 'E' followed by 8 digits"),
    ({"oid": "X12345678"}, "G3", "malformed OID 'X12345678'"),
    ({"oid": "E123456789"}, "G3", "malformed OID 'E123456789'"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_bad_partner_cell_is_reported_with_sheet_and_cell(tmp_path: Path, changes: dict[str, Any], cell: str,
                                                          message: str) -> None:
    path = make_workbook(tmp_path, partners=partners_with((3, changes)))

    assert_problem_at(path, "Partners", cell, message)


def test_unknown_organisation_type_names_the_cell(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, partners=partners_with(row(3, type="Univerzza")))

    problem = only_problem(path)

    assert "Partners!E3: unknown organisation type 'Univerzza'" in str(problem)
    assert "HEI" in problem.message  # the message lists the valid codes


def test_duplicate_pic_names_the_cell_of_the_first_occurrence(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, partners=partners_with(row(4, pic="948 615 302")))

    assert_problem_at(path, "Partners", "F4", "duplicate PIC 948615302 (also in F2)")


def test_duplicate_oid_names_the_cell_of_the_first_occurrence(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, partners=partners_with(row(3, oid="e10119846")))

    assert_problem_at(path, "Partners", "G3", "duplicate OID E10119846 (also in G2)")


def test_missing_action_label_is_reported_on_the_project_sheet(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, project=project_with(action=OMIT))

    assert_problem_at(path, "Project", "A:B", "missing 'Action'")


def test_missing_call_year_label_is_reported_on_the_project_sheet(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, project=project_with(call_year=OMIT))

    assert_problem_at(path, "Project", "A:B", "missing 'Call year'")


def test_action_label_without_a_value_names_the_value_cell(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, project=project_with(action=None))

    assert_problem_at(path, "Project", "B1", "missing 'Action'")


@pytest.mark.parametrize("written", ["next year", "2025/26", 2025.5, True])
def test_call_year_that_is_not_a_whole_number_is_reported(tmp_path: Path, written: Any) -> None:
    path = make_workbook(tmp_path, project=project_with(call_year=written))

    assert_problem_at(path, "Project", "B2", "call year must be a whole number")


def test_call_year_before_erasmus_plus_is_reported(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, project=project_with(call_year=2013))

    assert_problem_at(path, "Project", "B2", "call year 2013 is outside the Erasmus+ programme")


@pytest.mark.parametrize("written", ["two years", "24 months", 24.5])
def test_duration_that_is_not_a_whole_number_is_reported(tmp_path: Path, written: Any) -> None:
    path = make_workbook(tmp_path, project=project_with(duration=written))

    assert_problem_at(path, "Project", "B5", "duration (months) must be a whole number")


def test_grant_that_is_not_an_amount_is_reported(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, project=project_with(grant="a lot"))

    assert_problem_at(path, "Project", "B6", "requested grant must be an amount in EUR, not 'a lot'")


@pytest.mark.parametrize("written", ["-250000", "-250.000,00 €"])
def test_negative_grant_written_as_text_is_reported(tmp_path: Path, written: str) -> None:
    path = make_workbook(tmp_path, project=project_with(grant=written))

    assert_problem_at(path, "Project", "B6", "requested grant cannot be negative")


@pytest.mark.parametrize("written", [-250000, -250000.5])
def test_negative_grant_written_as_a_number_is_reported(tmp_path: Path, written: float) -> None:
    path = make_workbook(tmp_path, project=project_with(grant=written))

    assert_problem_at(path, "Project", "B6", "requested grant cannot be negative")


def test_label_written_twice_is_reported_at_the_second_label(tmp_path: Path) -> None:
    rows = [*project_with().items(), ("Call year", 2024)]
    path = make_workbook(tmp_path, project=rows)

    assert_problem_at(path, "Project", "A7", "'Call year' appears twice (first in A2)")


def test_header_row_lacking_a_required_column_is_reported(tmp_path: Path) -> None:
    header = ["Role", "Organisation", "Nation state", "City", "Type", "PIC", "OID"]
    path = make_workbook(tmp_path, partners=partners_with(header=header))

    assert_problem_at(path, "Partners", "A1",
                      "header row lacks column Country (found: Role, Organisation, Nation state")


def test_header_row_lacking_several_columns_names_them_all(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, partners=[["Organisation", "City", "PIC"], ["Šolski center Celje", "Celje", None]])

    assert_problem_at(path, "Partners", "A1", "header row lacks columns Role, Country, Type")


def test_column_written_twice_is_reported_at_the_second_header(tmp_path: Path) -> None:
    header = [*HEADER, "Država"]
    path = make_workbook(tmp_path, partners=[header, *[[*r, "XX"] for r in good_rows()]])

    assert_problem_at(path, "Partners", "H1", "column 'Država' appears twice (also C1)")


def test_partners_sheet_with_a_header_but_no_organisations_is_reported(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, partners=[HEADER])

    assert_problem_at(path, "Partners", "A2", "no organisations listed under the header row")


def test_all_problems_of_one_workbook_are_reported_together(tmp_path: Path) -> None:
    path = make_workbook(
        tmp_path,
        project=project_with(call_year="next year", grant="-5"),
        partners=partners_with(row(2, country="Atlantis"), row(3, type="Univerzza", oid="X12345678"),
                               row(4, organisation=None, pic="123")),
    )

    error = invalid(path)

    where = [(p.where.sheet, p.where.cell) for p in error.problems]
    assert sorted(where) == sorted([("Project", "B2"), ("Project", "B6"), ("Partners", "C2"), ("Partners", "E3"),
                                    ("Partners", "G3"), ("Partners", "B4"), ("Partners", "F4")])
    assert len(error.problems) == 7
    assert str(error).startswith(str(path))
    assert all(line.startswith(f"{path}: ") for line in str(error).splitlines())
    assert len(str(error).splitlines()) == 7
    assert error.message.endswith("(and 6 more problems)")


def test_empty_partner_list_is_reported_even_when_the_project_sheet_also_has_a_problem(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, project=project_with(call_year=OMIT), partners=[HEADER])

    cells = {(p.where.sheet, p.where.cell) for p in invalid(path).problems}

    assert cells == {("Project", "A:B"), ("Partners", "A2")}


# ─────────────────────────────────── unreadable files ───────────────────────────────────


def assert_unreadable(path: Path, *fragments: str) -> WorkbookError:
    error = unreadable(path)
    assert error.where.file == str(path)
    assert str(error).startswith(f"{path}: "), str(error)
    for fragment in fragments:
        assert fragment in error.message, error.message
    return error


def test_text_file_renamed_to_xlsx_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "partners.xlsx"
    path.write_text("Role;Organisation;Country\nCoordinator;Šola;SI\n", encoding="utf-8")

    assert_unreadable(path, "not an .xlsx workbook")


def test_pdf_renamed_to_xlsx_is_named_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "partners.xlsx"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")

    assert_unreadable(path, "a PDF")


def test_old_xls_workbook_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "partners.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096 + "Workbook".encode("utf-16-le"))

    assert_unreadable(path, "Excel 97–2003 workbook (.xls)", "save it as .xlsx")


def test_password_protected_workbook_has_its_own_message(tmp_path: Path) -> None:
    # Office saves an encrypted .xlsx as an OLE2 file holding EncryptionInfo and EncryptedPackage streams.
    path = tmp_path / "partners.xlsx"
    names = "".join(n + "\0" for n in ("EncryptionInfo", "EncryptedPackage")).encode("utf-16-le")
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024 + names + b"\0" * 1024)

    error = assert_unreadable(path, "password-protected", "without a password")
    assert ".xls" not in error.message


def test_empty_file_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "partners.xlsx"
    path.write_bytes(b"")

    assert_unreadable(path, "not an .xlsx workbook")


def test_zip_without_a_workbook_part_is_not_a_workbook(tmp_path: Path) -> None:
    path = zip_file(tmp_path / "partners.xlsx", {"word/document.xml": b"<document/>", "[Content_Types].xml": b"<x/>"})

    assert_unreadable(path, "no xl/workbook.xml")


def test_truncated_workbook_is_reported_as_damaged(tmp_path: Path) -> None:
    good = make_workbook(tmp_path, name="good.xlsx").read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(good[: len(good) // 2])

    assert_unreadable(path, "damaged")


def test_workbook_with_corrupt_parts_is_reported_as_damaged(tmp_path: Path) -> None:
    path = zip_file(tmp_path / "corrupt.xlsx", {"xl/workbook.xml": b"<workbook><sheets><oops", "x.bin": b"1" * 10})

    assert_unreadable(path, "damaged workbook")


def test_missing_partners_sheet_is_reported_with_the_sheets_found(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, partners=OMIT, extra_sheets=["Partneri 2024"])

    assert_unreadable(path, "no sheet named 'Partners'", "sheets found: 'Project', 'Partneri 2024'")


def test_without_a_project_sheet_the_action_and_year_are_asked_for_above_the_table(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, project=OMIT)

    problems = [str(p) for p in invalid(path).problems]
    assert len(problems) == 2, problems
    assert "Partners!A:B: missing 'Action'" in problems[0] and "--action option" in problems[0]
    assert "Partners!A:B: missing 'Call year'" in problems[1] and "--year option" in problems[1]


def test_missing_file_is_reported(tmp_path: Path) -> None:
    assert_unreadable(tmp_path / "nowhere.xlsx", "file not found")


def test_folder_is_not_a_workbook(tmp_path: Path) -> None:
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()

    assert_unreadable(folder, "a folder")


def test_excel_lock_file_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "~$x.xlsx"
    path.write_bytes(b"\x0aAna Novak" + b"\x20" * 40 + b"\x00" * 112)

    assert_unreadable(path, "lock file")


def test_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("xl/workbook.xml", MINIMAL_WORKBOOK_XML)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(30):
                member.write(chunk)
    infos = zipfile.ZipFile(path).infolist()
    assert sum(i.file_size for i in infos) > 30_000_000 > 100 * sum(i.compress_size for i in infos)

    assert_unreadable(path, "refused", "zip bomb", "unpacks to 31 MB in 2 parts")


# ─────────────────────────────────── never modifies the input ───────────────────────────────────


def _good(folder: Path) -> Path:
    return make_workbook(folder, name="good.xlsx")


def _invalid(folder: Path) -> Path:
    return make_workbook(folder, name="invalid.xlsx", partners=partners_with(row(3, type="Univerzza")))


def _truncated(folder: Path) -> Path:
    path = folder / "truncated.xlsx"
    data = make_workbook(folder, name="source.xlsx").read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _no_partners_sheet(folder: Path) -> Path:
    return make_workbook(folder, name="one-sheet.xlsx", partners=OMIT)


@pytest.mark.parametrize("build", [_good, _invalid, _truncated, _no_partners_sheet],
                         ids=["good", "invalid", "truncated", "missing-sheet"])
def test_reading_never_modifies_the_workbook_or_its_folder(tmp_path: Path, build: Any) -> None:
    path = build(tmp_path)
    past = 1_600_000_000_000_000_000  # a fixed mtime in 2020, so any write would be visible
    os.utime(path, ns=(past, past))
    before = (path.read_bytes(), path.stat().st_mtime_ns, sorted(os.listdir(tmp_path)))

    with contextlib.suppress(InputError):  # WorkbookError or WorkbookInvalid: what matters is nothing was written
        read_workbook(path)

    assert (path.read_bytes(), path.stat().st_mtime_ns, sorted(os.listdir(tmp_path))) == before


def test_reading_a_workbook_twice_gives_the_same_project(good_workbook: Path) -> None:
    assert read_workbook(good_workbook) == read_workbook(good_workbook)


def test_column_letters_match_openpyxl():
    from openpyxl.utils import get_column_letter

    from ka2forms.readers.cells import column_letter as _column

    columns = (1, 26, 27, 52, 703, 16384)
    assert [_column(n) for n in columns] == [get_column_letter(n) for n in columns]
