"""Samples and the blank workbook: whole-table formulas, values cached by ka2forms, dropdowns in the language."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from tools import require_tool

from ka2forms.cli.check import check
from ka2forms.cli.new import new
from ka2forms.cli.travel import travel
from ka2forms.excel import udfs
from ka2forms.excel.cached import with_cached_values
from ka2forms.excel.workbooks import (
    LANGS,
    PARTNER_HEADERS,
    ROLES,
    SHEET_NAMES,
    TABLE_ALL,
    TABLE_NAME,
    TYPE_LABELS,
    country_labels,
    new_workbook,
)
from ka2forms.readers.workbook import read_workbook
from ka2forms.rules import resolve_country, resolve_role, resolve_type
from ka2forms.services.check import check_project

SAMPLES = sorted((Path(__file__).parents[2] / "samples").glob("*.xlsx"))


@pytest.fixture
def runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click < 8.2
    except TypeError:
        return CliRunner()


def _formula_cells(path: Path | io.BytesIO) -> dict[tuple[str, str], str]:
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                text = getattr(c.value, "text", c.value)
                if isinstance(text, str) and text.startswith("="):
                    out[(ws.title, c.coordinate)] = text
    return out


# ───────────────────────────── samples ─────────────────────────────


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_the_checks_cover_the_whole_partners_table_so_no_partner_is_left_out(sample):
    """Regression: KA2_ELIGIBLE(Partners!$A$1:$G$5, …) left a fifth partner out of the verdict."""
    wb = openpyxl.load_workbook(sample)
    table = wb["Partners"].tables[TABLE_NAME]
    assert table.ref.endswith(str(wb["Partners"].max_row))  # every partner row is inside the table
    assert wb["Checks"]["B1"].value.startswith(f"=KA2_ELIGIBLE({TABLE_ALL},")
    assert wb["Checks"]["A6"].value.text.startswith(f"=KA2_CHECK({TABLE_ALL},")


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_every_formula_in_a_sample_is_saved_with_a_value(sample):
    values = openpyxl.load_workbook(sample, data_only=True)
    for sheet, ref in _formula_cells(sample):
        value = values[sheet][ref].value
        assert value is not None, f"{sample.name}: {sheet}!{ref} has no cached value"
        assert not (isinstance(value, str) and value.startswith(("#", "KA2:"))), f"{sheet}!{ref}: {value}"


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_cached_verdicts_agree_with_ka2forms_check_json(sample, runner):
    res = runner.invoke(check, [str(sample), "--json"])
    expected = json.loads(res.stdout)
    ws = openpyxl.load_workbook(sample, data_only=True)["Checks"]
    assert ws["B1"].value is expected["eligible"]
    table = [[c.value for c in row] for row in ws.iter_rows(min_row=6, max_col=4) if row[0].value is not None]
    by_description = {c["description"]: c["ok"] for c in expected["criteria"]}
    assert table[0] == ["Criterion", "Required", "Actual", "OK"]
    assert all(by_description[desc] is ok for desc, _, _, ok in table[1:])


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_cached_travel_costs_agree_with_ka2forms_travel_json(sample, runner):
    wb = openpyxl.load_workbook(sample, data_only=True)
    ws, year = wb["Travel"], wb["Project"]["B2"].value
    for row in ws.iter_rows(min_row=2):
        if not row[0].value or not row[2].value:
            break
        d = json.loads(runner.invoke(travel, [row[0].value, row[1].value, "--year", str(year), "--json"]).stdout)
        cost = d["unit_cost_eur"] if d["unit_cost_eur"] is not None else 0  # KA2_TRAVEL: 0 below 10 km
        assert (row[2].value, row[3].value, row[4].value, row[6].value) == (
            round(d["distance_km"], 2), d["band"], cost, cost)


def test_cached_values_are_typed_as_excel_types_them():
    wb = openpyxl.Workbook()
    ws = wb.active
    for ref in ("A1", "A2", "A3", "A4", "A5"):
        ws[ref] = "=X()"
    buf = io.BytesIO()
    wb.save(buf)
    data = with_cached_values(buf.getvalue(), {("Sheet", "A1"): True, ("Sheet", "A2"): 2.5, ("Sheet", "A3"): 7,
                                               ("Sheet", "A4"): "KA2: text", ("Sheet", "A5"): "#N/A"})
    back = openpyxl.load_workbook(io.BytesIO(data), data_only=True).active
    assert [back[r].value for r in ("A1", "A2", "A3", "A4", "A5")] == [True, 2.5, 7, "KA2: text", "#N/A"]
    assert openpyxl.load_workbook(io.BytesIO(data)).active["A1"].value == "=X()"  # the formula stays


# ───────────────────────────── ka2forms new ─────────────────────────────


@pytest.mark.parametrize("lang", LANGS)
def test_every_dropdown_value_reads_back_as_what_it_says(lang):
    assert [resolve_role(v) for v in ROLES[lang].values()] == [resolve_role(v) for v in ROLES["en"].values()]
    assert {code: resolve_type(label) for code, label in TYPE_LABELS[lang].items()} == \
        {code: code for code in TYPE_LABELS[lang]}
    assert all(resolve_country(names[lang]) == code for code, names in country_labels().items())


@pytest.mark.parametrize("lang", LANGS)
def test_the_blank_workbook_has_the_layout_dropdowns_and_live_formulas(lang):
    data = new_workbook("KA210-SCH", 2025, lang)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    project, partners, checks, travel_sheet, how_to = SHEET_NAMES[lang]
    assert wb.sheetnames[0] == how_to and {project, partners, checks, travel_sheet} <= set(wb.sheetnames)
    assert wb[project]["B1"].value == "KA210-SCH" and wb[project]["B2"].value == 2025
    assert TABLE_NAME in wb[partners].tables
    validations = {str(dv.sqref): dv.formula1 for dv in wb[partners].data_validations.dataValidation}
    assert set(validations) == {"A2:A500", "C2:C500", "E2:E500"}  # role, country, type
    assert all(f.startswith(f"'{wb.sheetnames[3]}'!$") for f in validations.values())  # OOXML: no leading =
    lists = wb[wb.sheetnames[3]] if wb.sheetnames[3] not in (project, partners) else None
    assert lists is not None and lists.sheet_state == "hidden"
    countries = [c.value for c in lists["C"][1:] if c.value]
    assert countries and all(resolve_country(c) for c in countries)
    formulas = _formula_cells(io.BytesIO(data))
    assert formulas[(checks, "B1")].startswith(f"=KA2_ELIGIBLE({TABLE_ALL},")
    lang_arg = "" if lang == "en" else f',"{lang}"'   # the functions' messages in the workbook's language
    assert formulas[(travel_sheet, "C2")] == f'=IF(OR(A2="",B2=""),"",KA2_DISTANCE(A2,B2{lang_arg}))'
    cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    assert cached[checks]["B2"].value == udfs.KA2_VERSION()
    assert cached[checks]["B1"].value.startswith("KA2: ")  # no partners yet: says so, in the cell


@pytest.mark.parametrize("lang", LANGS)
def test_a_filled_in_blank_workbook_checks_cleanly(lang, tmp_path):
    wb = openpyxl.load_workbook(io.BytesIO(new_workbook("KA220-VET", 2025, lang)))
    ws = wb[SHEET_NAMES[lang][1]]
    roles, types, names = ROLES[lang], TYPE_LABELS[lang], country_labels()
    for r, (role, org, country, city, kind) in enumerate([
            ("C", "Šolski center Celje", "SI", "Celje", "VET"), ("P", "Müller GmbH", "DE", "Köln", "SME"),
            ("P", "Győri Szakképzési Centrum", "HU", "Győr", "VET")], start=2):
        for col, value in zip("ABCDE", (roles[role], org, names[country][lang], city, types[kind]), strict=True):
            ws[f"{col}{r}"] = value
    path = tmp_path / "filled.xlsx"
    wb.save(path)
    result = check_project(read_workbook(path))
    assert result.eligible and len(result.criteria) > 0


def test_new_writes_the_file_and_never_overwrites_one(runner, tmp_path):
    out = tmp_path / "my.xlsx"
    res = runner.invoke(new, ["-o", str(out), "--action", "KA210-SCH", "--year", "2024", "--lang", "cs"])
    assert res.exit_code == 0, res.output
    before = out.read_bytes()
    again = runner.invoke(new, ["-o", str(out)])
    assert again.exit_code == 2 and "exists" in again.stderr and out.read_bytes() == before
    assert runner.invoke(new, ["-o", str(out), "--force"]).exit_code == 0


@pytest.mark.parametrize("args, says", [
    (["--action", "KA999"], "unknown action"),
    (["--year", "1990"], "no rules"),
])
def test_new_refuses_bad_input_with_exit_2(runner, tmp_path, args, says):
    res = runner.invoke(new, ["-o", str(tmp_path / "x.xlsx"), *args])
    assert res.exit_code == 2 and says in res.stderr and not (tmp_path / "x.xlsx").exists()


# ───────────────────────────── LibreOffice without the extension ─────────────────────────────


def test_libreoffice_opens_the_blank_workbook_and_a_sample_and_shows_the_cached_numbers_and_texts(tmp_path):
    """Calc 7.4 keeps cached number and text results of unknown functions; it recalculates TRUE/FALSE
    results and array formulas on load, which without the ka2forms extension show #NAME? (docs say so)."""
    soffice = require_tool("soffice", "apt-get install libreoffice-calc")
    src = tmp_path / "in"
    src.mkdir()
    (src / "new.xlsx").write_bytes(new_workbook("KA220-VET", 2025, "sl"))
    shutil.copy(SAMPLES[0], src / "sample.xlsx")
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    "xlsx", "--outdir", str(tmp_path / "out"), str(src / "new.xlsx"), str(src / "sample.xlsx")],
                   check=True, capture_output=True, timeout=180)
    ours = openpyxl.load_workbook(src / "sample.xlsx", data_only=True)
    theirs = openpyxl.load_workbook(tmp_path / "out" / "sample.xlsx", data_only=True)
    for sheet, col in (("Travel", "C"), ("Travel", "D"), ("Travel", "E"), ("Partners", "I")):
        mine = [c.value for c in ours[sheet][col] if c.value not in (None, "")]
        assert [c.value for c in theirs[sheet][col] if c.value not in (None, "")] == mine, (sheet, col)
    assert theirs["Checks"]["B2"].value == udfs.KA2_VERSION()
    blank = openpyxl.load_workbook(tmp_path / "out" / "new.xlsx")
    assert TABLE_NAME in blank["Partnerji"].tables
    kept = {str(d.sqref): (d.type, d.formula1) for d in blank["Partnerji"].data_validations.dataValidation}
    assert kept["A2:A500"] == ("list", "Seznami!$A$2:$A$5")  # Calc understood the dropdown's list
    assert "partnerstable[#all]" in blank["Preverjanje"]["B1"].value.lower()


def test_the_blank_workbooks_criteria_table_is_sized_for_the_filled_in_check():
    """The array formula's range is fixed when the file is written: it must fit the table once partners exist."""
    lang = "en"
    wb = openpyxl.load_workbook(io.BytesIO(new_workbook("AFI-LOT1", 2025, lang)))
    ref = wb[SHEET_NAMES[lang][2]]["A6"].value.ref
    header = [PARTNER_HEADERS["en"][c] for c in ("role", "org", "country", "type")]
    filled = udfs.KA2_CHECK([header, ["Coordinator", "X", "SI", "VET"]], "AFI-LOT1", 2025)
    assert ref == f"A6:D{5 + len(filled)}"


def _stale_parts(built: bytes, committed: Path) -> list[str]:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(built)) as new, zipfile.ZipFile(committed) as old:
        return [n for n in new.namelist() if n not in old.namelist() or new.read(n) != old.read(n)]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_the_committed_samples_are_what_the_builder_writes_today(sample):
    """Their cached results (verdicts, the rules edition in KA2_VERSION) must not go stale when rules change."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_samples", Path(__file__).parents[2] / "scripts" /
                                                  "build_samples.py")
    builder = importlib.util.module_from_spec(spec)
    sys.modules["build_samples"] = builder  # dataclasses look their module up there
    spec.loader.exec_module(builder)
    definition = next(s for s in builder.SAMPLES if s.file == sample.name)
    built = builder.workbook_bytes(definition)
    assert built == sample.read_bytes(), \
        f"{sample.name} differs in {_stale_parts(built, sample)}: run python scripts/build_samples.py, commit samples/"


def test_cached_values_keep_the_sheet_xml_unprefixed_whatever_others_registered_with_elementtree():
    """Regression: after openpyxl's XML module registered "s" for the sheet namespace, sheets came out as
    <ns0:worksheet>/<s:c> (valid XML, but the samples were no longer what the builder wrote in isolation)."""
    from xml.etree import ElementTree as ET

    from ka2forms.excel.cached import MAIN

    ET.register_namespace("s", MAIN)  # what openpyxl.xml.functions does on import
    before = dict(ET._namespace_map)
    wb = openpyxl.Workbook()
    wb.active["A1"] = "=X()"
    buf = io.BytesIO()
    wb.save(buf)
    data = with_cached_values(buf.getvalue(), {("Sheet", "A1"): 1.5})
    import zipfile

    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert xml.split(b">", 2)[1].startswith(b"\n<worksheet xmlns=\"" + MAIN.encode()) and b"<s:" not in xml
    assert dict(ET._namespace_map) == before  # nobody else's registration was changed
