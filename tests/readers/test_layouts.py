"""Spreadsheets as coordinators keep them (tests/corpus.py): each is read right, or refused at a cell.

The principle under test: a value the reader cannot read with certainty is an error or a warning naming
its cell — never a silent guess, never a silent drop.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from corpus import SL_HEADER, SL_PARTNERS, foreign_workbook, one_sheet_workbook, table_workbook

from ka2forms.errors import WorkbookInvalid
from ka2forms.model import Project
from ka2forms.readers.workbook import read_workbook
from ka2forms.rules import Role
from ka2forms.services.check import check_project


def warnings_at(project: Project) -> dict[str, str]:
    """Reading warnings by "Sheet!Cell"."""
    return {f"{w.where.sheet}!{w.where.cell}": w.message for w in project.warnings}


def problems_at(path: Path) -> dict[str, str]:
    with pytest.raises(WorkbookInvalid) as info:
        read_workbook(path)
    return {f"{p.where.sheet}!{p.where.cell}": p.message for p in info.value.problems}


# ───────────────────────────── one sheet, fields above the table, title rows ─────────────────────────────


def test_one_sheet_with_title_logo_and_fields_above_the_table_is_read(tmp_path: Path) -> None:
    project = read_workbook(one_sheet_workbook(tmp_path))

    assert (project.action, project.call_year, project.acronym) == ("KA220-VET", 2025, "ROBOVET")
    assert project.title == "Robotika v poklicnih šolah"
    assert project.duration_months == 24          # "Trajanje projekta (meseci)": never dropped
    assert project.requested_grant == Decimal(250000)
    assert [(p.organisation, p.country, p.org_type, p.role) for p in project.partners] == [
        ("Šolski center Celje", "SI", "VET", Role.COORDINATOR),
        ("Ljudska univerza Maribor", "SI", "ADULT", Role.PARTNER),
        ("Obrtna zbornica Slovenije", "SI", "CHAMBER", Role.PARTNER),
        ("Střední průmyslová škola Brno", "CZ", "VET", Role.PARTNER),
    ]
    assert project.partners[0].where is not None and project.partners[0].where.cell == "B11"
    assert project.cells["duration_months"].cell == "C7"


def test_totals_and_notes_rows_are_skipped_with_a_note_naming_the_cell(tmp_path: Path) -> None:
    warnings = warnings_at(read_workbook(one_sheet_workbook(tmp_path)))

    assert "skipped: a totals row ('Skupaj')" in warnings["List1!A15"]
    assert "skipped: a note ('Opomba:" in warnings["List1!A17"]


def test_ceska_republika_abbreviated_is_never_costa_rica(tmp_path: Path) -> None:
    project = read_workbook(one_sheet_workbook(tmp_path))

    assert project.partners[3].country == "CZ"     # "ČR"
    result = check_project(project).as_dict()
    assert "Costa Rica" not in json.dumps(result, ensure_ascii=False, default=str)


def test_rs_beside_a_slovenian_town_is_read_as_slovenia_with_a_warning(tmp_path: Path) -> None:
    # Slovenes write RS for Republika Slovenija; RS is Serbia's ISO code. Ljubljana settles it, and says so.
    project = read_workbook(one_sheet_workbook(tmp_path))

    assert project.partners[2].country == "SI"
    assert "read as Slovenia (SI) because the city is there" in warnings_at(project)["List1!C13"]
    assert any("List1!C13" in w for w in check_project(project).warnings)
    reading = check_project(project).as_dict()["reading"]      # --json: the same, by sheet and cell
    assert {"sheet": "List1", "cell": "C13"} in [{k: r[k] for k in ("sheet", "cell")} for r in reading]


def test_rs_without_a_town_in_a_year_serbia_was_not_eligible_is_refused_with_the_candidates(tmp_path: Path) -> None:
    rows = [list(r) for r in SL_PARTNERS]
    rows[2][3] = None
    path = one_sheet_workbook(tmp_path, rows=rows)
    wb_2018 = path.with_name("2018.xlsx")
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb.active["C4"] = 2018
    wb.save(wb_2018)

    problems = problems_at(wb_2018)
    assert "ambiguous country 'RS'" in problems["List1!C13"]
    assert "Serbia (RS) or Slovenia (SI)" in problems["List1!C13"]


def test_rs_without_a_town_when_both_readings_are_eligible_is_serbia_with_a_warning(tmp_path: Path) -> None:
    rows = [list(r) for r in SL_PARTNERS]
    rows[2][3] = None
    project = read_workbook(one_sheet_workbook(tmp_path, rows=rows))

    assert project.partners[2].country == "RS"
    assert "read as Serbia (RS)" in warnings_at(project)["List1!C13"]


@pytest.mark.parametrize(("country", "city", "why"), [
    ("CR", None, "Czech Republic (ČR) or Costa Rica"),
    ("SR", None, "Slovak Republic (Slovenská republika, SR) or Suriname"),
    ("S.R.", "Wien", "or Suriname"),            # a town in neither candidate: no help
    ("MO", None, "Hungary (Magyarország, MO) or Macao"),
])
def test_a_spelling_of_two_countries_is_refused_at_its_cell(tmp_path: Path, country: str, city: str | None,
                                                            why: str) -> None:
    rows = [list(r) for r in SL_PARTNERS]
    rows[3][2:4] = [country, city]
    problems = problems_at(one_sheet_workbook(tmp_path, rows=rows))

    assert why in problems["List1!C14"]
    assert len(problems) == 1


def test_sr_beside_bratislava_is_slovakia_with_a_warning(tmp_path: Path) -> None:
    rows = [list(r) for r in SL_PARTNERS]
    rows[3][2:4] = ["SR", "Bratislava"]
    project = read_workbook(one_sheet_workbook(tmp_path, rows=rows))

    assert project.partners[3].country == "SK"
    assert "read as Slovakia (SK)" in warnings_at(project)["List1!C14"]


def test_hidden_partner_row_is_read_and_reported(tmp_path: Path) -> None:
    project = read_workbook(one_sheet_workbook(tmp_path, hide_row=12))

    assert len(project.partners) == 4
    assert "row 12 is hidden" in warnings_at(project)["List1!B12"]


# ───────────────────────────────────────── project labels ─────────────────────────────────────────


def test_an_unknown_label_with_a_value_is_a_warning_with_did_you_mean(tmp_path: Path) -> None:
    path = one_sheet_workbook(tmp_path, extra_project=[["Trajanje v tednih:", 104]])
    project = read_workbook(path)

    message = warnings_at(project)["List1!B9"]
    assert "'Trajanje v tednih' is not one ka2forms knows, so its value '104' was not read" in message
    assert "did you mean 'Trajanje (v mesecih)'?" in message
    assert any(w.startswith(f"{path}: List1!B9:") for w in check_project(project).warnings)


def test_a_duration_given_under_a_known_label_always_reaches_the_check(tmp_path: Path) -> None:
    rows = [list(r) for r in SL_PARTNERS]
    result = check_project(read_workbook(one_sheet_workbook(tmp_path, rows=rows)))

    assert any(c.id == "duration" for c in result.criteria)


# ─────────────────────────────── other languages, sheet names, tables ───────────────────────────────


@pytest.mark.parametrize(("sheet", "project_sheet", "header", "project", "rows", "expected"), [
    pytest.param("Partnerzy", "Dane projektu", ["Rola w projekcie", "Nazwa organizacji", "Państwo", "Miasto",
                                                "Typ organizacji", "Numer PIC"],
                 [["Akcja kluczowa", "KA220-ADU"], ["Rok naboru", 2024], ["Czas trwania projektu (miesiące)", 24]],
                 [["Wnioskodawca", "Centrum Kształcenia Ustawicznego w Gdańsku", "Polska", "Gdańsk",
                   "Centrum Kształcenia Ustawicznego", "912345670"],
                  ["Partner", "Volkshochschule Wien", "Austria", "Wien", "Volkshochschule", None]],
                 [("PL", "ADULT", Role.COORDINATOR), ("AT", "ADULT", Role.PARTNER)], id="pl"),
    pytest.param("Partner", "Projektdaten", ["Rolle", "Einrichtung", "Land", "Stadt", "Art der Einrichtung"],
                 [["Leitaktion", "KA220-VET"], ["Antragsrunde", 2025], ["Projektlaufzeit (Monate)", 36]],
                 [["Koordinator", "Berufskolleg Köln", "Deutschland", "Köln", "Berufskolleg"],
                  ["Partner", "Handwerkskammer Wien", "Österreich", "Wien", "Handwerkskammer"],
                  ["Assoziierter Partner", "Stadt Graz", "AUT", "Graz", "Gemeinde"]],
                 [("DE", "VET", Role.COORDINATOR), ("AT", "CHAMBER", Role.PARTNER),
                  ("AT", "PUBLIC", Role.ASSOCIATED)], id="de"),
    pytest.param("Partneri", "Projekt", ["Uloga", "Naziv ustanove", "Zemlja", "Grad", "Vrsta ustanove"],
                 [["Ključna aktivnost", "KA210-ADU"], ["Godina natječaja", 2025]],
                 [["Prijavitelj projekta", "Pučko otvoreno učilište Zagreb", "CRO", "Zagreb",
                   "Pučko otvoreno učilište"],
                  ["Partner", "Hrvatska obrtnička komora", "Hrvatska", "Zagreb", "Hrvatska obrtnička komora"]],
                 [("HR", "ADULT", Role.COORDINATOR), ("HR", "CHAMBER", Role.PARTNER)], id="hr"),
    pytest.param("Partenaires", "Projet", ["Rôle", "Nom de l'organisation", "Pays", "Ville",
                                           "Type d'organisation"],
                 [["Type d'action", "KA220-SCH"], ["Année de l'appel", 2025]],
                 [["Coordinateur", "Lycée Victor Hugo", "La France", "Besançon", "Lycée"],
                  ["Partenaire", "Escola Secundária de Camões", "Portugal", "Lisboa", "Escola secundária"],
                  ["Partenaire", "Liceo Scientifico Galilei", "L'Italia", "Trieste", "Liceo"]],
                 [("FR", "SCHOOL", Role.COORDINATOR), ("PT", "SCHOOL", Role.PARTNER),
                  ("IT", "SCHOOL", Role.PARTNER)], id="fr"),
    pytest.param("Konzorcium", None, ["Szerep", "Szervezet neve", "Ország", "Város", "Típus"],
                 [["Kulcstevékenység", "KA220-HED"], ["Pályázati év", 2025]],
                 [["Pályázó", "Széchenyi István Egyetem", "Magyarország", "Győr", "Egyetem"],
                  ["Partner", "Univerzita Karlova", "Czech Rep.", "Praha", "Univerzita"],
                  ["Partner", "Universiteit Leiden", "The Netherlands", "Leiden", "HEI"],
                  ["Partner", "Ss. Cyril and Methodius University", "Republic of North Macedonia", "Skopje", "HEI"],
                  ["Partner", "Ankara Üniversitesi", "Türkiye", "Ankara", "HEI"]],
                 [("HU", "HEI", Role.COORDINATOR), ("CZ", "HEI", Role.PARTNER), ("NL", "HEI", Role.PARTNER),
                  ("MK", "HEI", Role.PARTNER), ("TR", "HEI", Role.PARTNER)], id="hu-one-sheet"),
])
def test_workbooks_in_the_programme_countries_languages_are_read(tmp_path: Path, sheet, project_sheet, header,
                                                                 project, rows, expected) -> None:
    path = foreign_workbook(tmp_path, sheet=sheet, project_sheet=project_sheet, header=header, project=project,
                            rows=rows)
    read = read_workbook(path)

    assert [(p.country, p.org_type, p.role) for p in read.partners] == expected
    assert read.action == project[0][1] and read.call_year == project[1][1]
    assert not read.warnings, read.warnings


def test_an_excel_table_named_partners_is_found_on_a_sheet_of_any_name(tmp_path: Path) -> None:
    project = read_workbook(table_workbook(tmp_path))

    assert [(p.organisation, p.country, p.org_type) for p in project.partners] == [
        ("Šolski center Celje", "SI", "VET"), ("Berufskolleg Köln", "DE", "VET"),
        ("Győri Szakképzési Centrum", "HU", "VET")]
    assert project.partners[1].where is not None and project.partners[1].where.cell == "C5"  # the sheet's own cell


def test_a_sheet_with_no_recognisable_header_names_the_sheets_found(tmp_path: Path) -> None:
    path = foreign_workbook(tmp_path, sheet="Sheet1", header=["A", "B"], project=[["Action", "KA220-VET"]],
                            rows=[["x", "y"]])
    from ka2forms.errors import WorkbookError

    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    assert "no partner table" in info.value.message and "'Sheet1'" in info.value.message


def test_a_near_miss_header_of_an_optional_column_is_a_warning(tmp_path: Path) -> None:
    path = foreign_workbook(tmp_path, sheet="Partners", project_sheet="Project",
                            header=["Role", "Organisation", "Country", "City", "Type", "PIC-Cod"],
                            project=[["Action", "KA220-VET"], ["Call year", 2025]],
                            rows=[["Coordinator", "Šolski center Celje", "SI", "Celje", "VET", "948615302"],
                                  ["Partner", "Berufskolleg Köln", "DE", "Köln", "VET", None],
                                  ["Partner", "Győri Szakképzési Centrum", "HU", "Győr", "VET", None]])
    project = read_workbook(path)

    assert "column 'PIC-Cod' was not read — did you mean" in warnings_at(project)["Partners!F1"]


def test_header_words_are_the_same_as_the_default_header_of_the_samples() -> None:
    # SL_HEADER is what build_samples.py writes for Slovenian samples: every word must be known.
    from ka2forms.readers import layout

    assert [layout.header_key(h) for h in SL_HEADER] == ["role", "organisation", "country", "city", "type",
                                                          "pic", "oid"]


def test_a_range_passed_by_excel_refuses_a_doubtful_country_it_cannot_warn_about() -> None:
    from ka2forms.readers.workbook import read_partner_rows

    header = ["Role", "Organisation", "Country", "City", "Type"]
    with pytest.raises(WorkbookInvalid) as info:
        read_partner_rows([header, ["Coordinator", "Zavod X", "RS", None, "NGO"]], call_year=2025)
    assert "C2: country 'RS' would be read as Serbia (RS)" in str(info.value)
    # the town settles it (Novi Sad is only in Serbia): taken, as in a workbook
    assert read_partner_rows([header, ["Coordinator", "Zavod X", "RS", "Novi Sad", "NGO"]])[0].country == "RS"
    assert read_partner_rows([header, ["Coordinator", "Zavod X", "Srbija", None, "NGO"]])[0].country == "RS"


def test_the_issue_12_slovenian_workbook_keeps_its_duration_and_its_czech_partner(tmp_path: Path) -> None:
    # Reported: "Trajanje projekta (meseci)" and "Naziv projekta" were skipped without a word (the duration
    # criterion vanished, verdict ELIGIBLE) and "ČR" became Costa Rica (verdict NOT ELIGIBLE).
    from click.testing import CliRunner
    from workbooks import make_workbook

    from ka2forms.cli import main

    project = {"Ukrep": "KA220-VET", "Leto razpisa": 2025, "Naziv projekta": "Robotika",
               "Trajanje projekta (meseci)": 40}
    rows = [SL_HEADER[:5], ["Koordinator", "Šolski center Celje", "SI", "Celje", "VET"],
            ["Partner", "SPŠ Brno", "ČR", "Brno", "VET"], ["Partner", "HTL Wien", "AT", "Wien", "VET"]]
    path = make_workbook(tmp_path, project=project, partners=rows)

    result = CliRunner().invoke(main, ["check", str(path), "--json"])
    data = json.loads(result.stdout)
    assert data["title"] == "Robotika"
    duration = next(c for c in data["criteria"] if c["id"] == "duration")
    assert duration["ok"] is False and "40" in str(duration["actual"])   # 40 months is beyond 36: not dropped
    assert result.exit_code == 1
    assert "Costa Rica" not in result.stdout


def test_fields_above_the_partner_table_are_read_even_with_a_project_sheet(tmp_path: Path) -> None:
    path = foreign_workbook(tmp_path, sheet="Partners", project_sheet="Project",
                            header=["Role", "Organisation", "Country", "City", "Type"],
                            project=[["Action", "KA220-VET"], ["Call year", 2025]],
                            rows=[["Coordinator", "Šolski center Celje", "SI", "Celje", "VET"]])
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb["Partners"]
    ws.insert_rows(1, 3)
    ws["A1"], ws["A2"], ws["B2"] = "Consortium", "Duration (months)", 24
    wb.save(path)

    project = read_workbook(path)
    assert project.duration_months == 24 and project.cells["duration_months"].cell == "B2"

    ws["A3"], ws["B3"] = "Call year", 2024
    wb.save(path)
    assert "'Call year' is 2024 here but 2025 in Project!B2" in problems_at(path)["Partners!B3"]


def test_two_partner_sheets_are_refused_rather_than_one_picked(tmp_path: Path) -> None:
    import openpyxl

    from ka2forms.errors import WorkbookError

    path = table_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Partnerji").append(["Role", "Organisation", "Country", "Type"])
    wb.create_sheet("Partners (old)")
    wb.save(path)
    assert read_workbook(path).partners  # the named Excel table wins over a sheet name

    wb = openpyxl.load_workbook(path)
    del wb["Podatki"]
    wb.create_sheet("Partners").append(["Role", "Organisation", "Country", "Type"])
    wb.save(path)
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    assert "2 partner sheets ('Partnerji', 'Partners')" in info.value.message


def test_numbered_empty_template_rows_are_not_partners_nor_totals(tmp_path: Path) -> None:
    header = ["#", "Role", "Organisation", "Country", "City", "Type", "Budget (EUR)"]
    rows = [[1, "Coordinator", "Šolski center Celje", "SI", "Celje", "VET", 120000],
            [2, "Partner", "HTL Wien", "AT", "Wien", "VET", 80000],
            [3, None, None, None, None, None, None], [4, None, None, None, None, None, None],
            [None, None, "Total", None, None, None, 200000]]
    path = foreign_workbook(tmp_path, sheet="Partners", project_sheet="Project", header=header,
                            project=[["Action", "KA220-VET"], ["Call year", 2025]], rows=rows)
    project = read_workbook(path)

    assert [p.organisation for p in project.partners] == ["Šolski center Celje", "HTL Wien"]
    assert list(warnings_at(project)) == ["Partners!C6"]   # only the totals row is said
